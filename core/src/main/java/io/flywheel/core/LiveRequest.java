package io.flywheel.core;

/**
 * One page request of a live simulated shopper, as a {@link LivePolicy} is asked to fill it.
 *
 * @param slot the page slot to fill; the simulator asks for {@code "home"}
 * @param k how many items the slot shows (the world's slot size)
 * @param at when the page was requested, simulated epoch milliseconds
 * @param locale the language the shopper reads, e.g. {@code en-US} or {@code zh-CN}
 */
public record LiveRequest(
    String userId, String sessionId, String slot, int k, long at, String locale) {

  public LiveRequest {
    InvalidRecordException.requireText(userId, "userId");
    InvalidRecordException.requireText(slot, "slot");
    InvalidRecordException.require(k >= 1, "k", "must be at least 1, got ", k);
  }
}
