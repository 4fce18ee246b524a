package io.flywheel.core;

import static io.flywheel.core.InvalidRecordException.require;
import static io.flywheel.core.InvalidRecordException.requireText;

/**
 * A shopper and the segment attributes marketing targets.
 *
 * @param joinedAt sign-up time, epoch ms; tenure at any instant is that instant minus this
 */
public record User(String id, String region, String device, long joinedAt) {

  public User {
    requireText(id, "id");
    requireText(region, "region");
    requireText(device, "device");
    require(joinedAt > 0, "joinedAt", "must be a positive epoch-millisecond time, got ", joinedAt);
  }

  /** Whole days between sign-up and {@code atMillis}; never negative. */
  public long tenureDays(long atMillis) {
    return Math.max(0, (atMillis - joinedAt) / 86_400_000L);
  }
}
