package io.flywheel.core;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a live simulation served and what it was worth, written to {@code live.json}. The policy's
 * value is measured from the true probabilities, against the oracle and the popularity baseline on
 * the very same requests, so one run tells how far a policy is from the best it could do.
 *
 * @param startDay the first day of the world simulated
 * @param days days simulated
 * @param policy the policy's name: a built-in one, or the URL it was asked at
 * @param requests page requests made
 * @param answeredRequests requests the policy answered
 * @param failedRequests requests the policy failed to answer (an error, a timeout): the shopper saw
 *     nothing
 * @param fallbackRequests answers that name at least one fallback
 * @param fallbacks fallback name → answers that name it, by name
 * @param unknownItems shown items the world cannot resolve (unknown content, product or variant, a
 *     product not on sale yet), skipped
 * @param droppedItems items skipped because their product was already in the answer, or because
 *     they were past the slot size
 * @param impressions items shown
 * @param clicks clicks on them
 * @param carts add-to-carts after those clicks
 * @param purchases purchases after those carts (the organic ones are in {@code summary.json})
 * @param clicksPer1000 expected clicks per 1,000 requests
 * @param purchasesPer1000 expected purchases through shown items per 1,000 requests
 * @param policyToOracle the policy's expected purchases over the oracle's; null when the oracle's
 *     are 0
 * @param policyToPopularity the policy's expected purchases over popularity's; null when
 *     popularity's are 0
 * @param firstError the first error the policy gave, or null
 * @param reportedEvents shoppers' events passed on to the policy's event collector (0 when it has
 *     none), as a shop's pages report clicks, carts and purchases
 * @param unreportedEvents events the collector refused or could not be reached for
 */
public record LiveSummary(
    long seed,
    int startDay,
    int days,
    String policy,
    long requests,
    long answeredRequests,
    long failedRequests,
    long fallbackRequests,
    Map<String, Long> fallbacks,
    long unknownItems,
    long droppedItems,
    long impressions,
    long clicks,
    long carts,
    long purchases,
    PolicyValue clicksPer1000,
    PolicyValue purchasesPer1000,
    Double policyToOracle,
    Double policyToPopularity,
    String firstError,
    long reportedEvents,
    long unreportedEvents) {

  public LiveSummary {
    fallbacks =
        Collections.unmodifiableMap(fallbacks == null ? new TreeMap<>() : new TreeMap<>(fallbacks));
  }
}
