package io.flywheel.core;

import java.util.List;

/**
 * What a {@link LivePolicy} showed for one {@link LiveRequest}.
 *
 * @param requestId the policy's id of the request, logged on every impression; null lets the
 *     simulator number it
 * @param items the slot, in position order
 * @param fallbacks the fallbacks the policy took to answer (e.g. {@code ranker}); empty when none
 * @param pool the candidates the policy chose from (empty when it does not say); the oracle then
 *     orders the same pool by the truth
 */
public record LiveAnswer(
    String requestId, List<ShownItem> items, List<String> fallbacks, List<ShownItem> pool) {

  public LiveAnswer {
    items = items == null ? List.of() : List.copyOf(items);
    fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
    pool = pool == null ? List.of() : List.copyOf(pool);
  }

  /** An answer that does not say what it chose from. */
  public LiveAnswer(String requestId, List<ShownItem> items, List<String> fallbacks) {
    this(requestId, items, fallbacks, List.of());
  }
}
