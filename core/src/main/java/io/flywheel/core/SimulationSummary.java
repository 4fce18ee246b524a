package io.flywheel.core;

/**
 * What a simulator run wrote and what its ground truth expected. Clean counts exclude the dirt that
 * {@code --dirty} mixed in; the dirt is counted separately, so stream jobs can prove they cope with
 * exactly that much.
 *
 * @param expectedClicks sum of the true click probabilities of all impressions
 * @param expectedAttributedPurchases sum of the true purchase probabilities of all impressions
 * @param eventLines good event lines in {@code events.jsonl}: clean events plus duplicates
 * @param lateEvents events written at least an hour (event time) behind the newest event before
 *     them
 * @param delayedEvents events held back as late whose stream had not moved an hour on when they
 *     were written (quiet hours); out of order but not late
 * @param searches search events (a few sessions start with one)
 * @param complaints complaint events: shoppers who clicked copy stating what the catalogue
 *     contradicts
 */
public record SimulationSummary(
    long seed,
    int days,
    String start,
    String end,
    int users,
    int initialUsers,
    int arrivedUsers,
    int products,
    int initialProducts,
    int arrivedProducts,
    int contentItems,
    int campaigns,
    long sessions,
    long requests,
    long impressions,
    long clicks,
    long addToCarts,
    long purchases,
    long attributedPurchases,
    long organicPurchases,
    double expectedClicks,
    double expectedAttributedPurchases,
    long eventLines,
    long malformedLines,
    long duplicateEvents,
    long lateEvents,
    long delayedEvents,
    long elapsedMillis,
    double eventsPerSecond,
    long peakHeapBytes,
    long searches,
    long complaints) {

  public long cleanEvents() {
    return impressions + clicks + addToCarts + purchases + searches + complaints;
  }

  public double clickThroughRate() {
    return impressions == 0 ? 0 : (double) clicks / impressions;
  }
}
