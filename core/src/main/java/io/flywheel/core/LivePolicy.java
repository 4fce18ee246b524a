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
    return new HttpLivePolicy(baseUrl, bearerTokenOrNull, timeout);
  }
}
