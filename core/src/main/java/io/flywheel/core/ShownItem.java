package io.flywheel.core;

/**
 * One item a {@link LivePolicy} put in a slot. The simulator finds it in its world by {@code
 * contentId}, else by {@code productId} and {@code variantId} (then {@code title} and {@code body},
 * when both are given, are the copy the shopper reads).
 *
 * @param campaignId the campaign to credit, or null for the world's
 * @param title the copy's title, or null
 * @param body the copy's body, or null
 * @param propensity the probability the policy gave the item at its position, for off-policy
 *     evaluation; NaN when the policy did not say (an impression logs none then, nor when it is
 *     outside (0, 1])
 * @param arm the experiment arm that chose the item, or null
 */
public record ShownItem(
    String productId,
    String contentId,
    String variantId,
    String campaignId,
    String title,
    String body,
    double propensity,
    String arm) {}
