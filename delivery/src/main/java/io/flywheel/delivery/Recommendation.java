package io.flywheel.delivery;

import java.util.List;
import java.util.Map;

/**
 * The answer to one request. Every item was logged as an impression under {@code requestId}.
 *
 * @param fallbacks the dependencies that failed or timed out and what replaced them ({@code
 *     ranker}: popularity order; {@code index}: co-visitation and popularity; {@code features}:
 *     defaults); empty when everything answered
 * @param model the ranker version that scored ({@code name/version}), null when none did
 * @param stageMillis where the time went: shopper, retrieve, eligible, score, rerank, log
 * @param pool every eligible candidate, when the request asked for it (else null)
 */
public record Recommendation(
    String requestId,
    String userId,
    String slot,
    List<RecommendedItem> items,
    List<String> fallbacks,
    String model,
    int candidates,
    double tookMillis,
    Map<String, Double> stageMillis,
    List<Candidate> pool) {

  /** One candidate the items were chosen from. */
  public record Candidate(String productId, String contentId, String variantId) {}
}
