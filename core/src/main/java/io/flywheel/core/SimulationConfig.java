package io.flywheel.core;

/**
 * One simulator run: how big the world is, how long it runs, its seed, and the share of dirty
 * records to mix in.
 *
 * @param dirtyRate per clean event, the chance of each kind of dirt: a malformed extra line, a
 *     duplicate delivery, a late delivery (hours behind the stream); at most 0.25
 */
public record SimulationConfig(
    int users, int products, int days, long seed, double dirtyRate, WorldConfig world) {

  public SimulationConfig {
    InvalidRecordException.require(users >= 1, "users", "must be at least 1, got ", users);
    InvalidRecordException.require(products >= 1, "products", "must be at least 1, got ", products);
    InvalidRecordException.require(
        days >= 1 && days <= 3660, "days", "must be between 1 and 3660, got ", days);
    InvalidRecordException.require(
        dirtyRate >= 0 && dirtyRate <= 0.25, "dirtyRate", "must be in [0, 0.25], got ", dirtyRate);
    InvalidRecordException.require(world != null, "world", "is required");
  }
}
