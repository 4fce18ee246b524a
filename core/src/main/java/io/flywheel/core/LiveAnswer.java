package io.flywheel.core;

import java.util.List;

/**
 * What a {@link LivePolicy} showed for one {@link LiveRequest}.
 *
 * @param requestId the policy's id of the request, logged on every impression; null lets the
 *     simulator number it
 * @param items the slot, in position order
 * @param fallbacks the fallbacks the policy took to answer (e.g. {@code ranker}); empty when none
 */
public record LiveAnswer(String requestId, List<ShownItem> items, List<String> fallbacks) {

  public LiveAnswer {
    items = items == null ? List.of() : List.copyOf(items);
    fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
  }
}
