package io.flywheel.core;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Answers the page requests of live simulated shoppers (see {@link MarketplaceSimulator#runLive}).
 * A policy that throws leaves the shopper's slot empty for that request; the run goes on and counts
 * it.
 */
public interface LivePolicy extends AutoCloseable {

  LiveAnswer answer(LiveRequest request) throws IOException;

  /**
   * What a shopper did after a page was served (clicks, carts, purchases, complaints; organic
   * purchases too), in the order the shop's tracking delivers it. A policy that learns from
   * feedback, or passes it on to a collector, takes it here; by default it is ignored.
   */
  default void observed(Event event) {}

  /** Passes on what {@link #observed} still holds (a live run calls it at its end). */
  default void flush() {}

  /** Events passed on to a collector so far (0 when the policy has none). */
  default long reportedEvents() {
    return 0;
  }

  /** Events a collector refused or could not be reached for. */
  default long unreportedEvents() {
    return 0;
  }

  /** How reports name the policy. */
  default String name() {
    return getClass().getSimpleName();
  }

  @Override
  default void close() {}

  /**
   * A recommendations API over HTTP: each request is {@code GET
   * {base}/v1/recommendations?userId=..&slot=..&k=..&sessionId=..&locale=..&at=<ISO-8601 instant>},
   * with {@code Authorization: Bearer <token>} when a token is given. A reply other than 200, a
   * body that is not a recommendations answer, or no reply within {@code timeout} is an {@link
   * IOException} naming what came back.
   *
   * @param bearerTokenOrNull the API token, or null to send none
   */
  static LivePolicy http(URI baseUrl, String bearerTokenOrNull, Duration timeout) {
    return new HttpLivePolicy(baseUrl, bearerTokenOrNull, timeout, false);
  }

  /**
   * As {@link #http(URI, String, Duration)}, and also reports what shoppers did to {@code POST
   * {base}/v1/events} (the delivery API's collector, which needs the token), in batches sent before
   * each request and at close, as a shop's pages would: so the API learns from feedback as it
   * serves (bandits, what a shopper already bought).
   */
  static LivePolicy httpReportingEvents(URI baseUrl, String bearerToken, Duration timeout) {
    return new HttpLivePolicy(baseUrl, bearerToken, timeout, true);
  }
}
