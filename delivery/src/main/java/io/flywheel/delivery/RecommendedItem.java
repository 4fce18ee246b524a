package io.flywheel.delivery;

import java.util.List;

/**
 * One piece of content in a response, in the order shown.
 *
 * @param score the ranker's score (popularity's when the ranker was not used)
 * @param propensity the probability this policy gave the item at its position (exploration
 *     included), for off-policy evaluation
 * @param arm the experiment arm that chose the copy ({@code control} when none runs)
 * @param sources where the candidate came from ({@code index}, {@code covisit}, {@code popular})
 */
public record RecommendedItem(
    int position,
    String productId,
    String contentId,
    String variantId,
    String campaignId,
    String kind,
    String locale,
    String title,
    String body,
    double score,
    double propensity,
    String experiment,
    String arm,
    List<String> sources) {}
