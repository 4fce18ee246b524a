package io.flywheel.featurestore;

import java.util.Arrays;

/**
 * Counts of a few kinds of event over a sliding window, kept incrementally in tiles: adding an
 * event touches one tile and one total, and moving time forward subtracts only the tiles that fall
 * out. The window as of instant t is the tile holding t plus the {@code tiles - 1} tiles before it,
 * so a "24 h" window of one-hour tiles covers between 23 and 24 hours.
 */
public final class TiledWindow {
  private final long tileMillis;
  private final int tiles;
  private final int kinds;
  private final long[] tileIds;
  private final long[] counts;
  private final long[] totals;
  private long currentTile = Long.MIN_VALUE;

  public TiledWindow(long tileMillis, int tiles, int kinds) {
    this.tileMillis = tileMillis;
    this.tiles = tiles;
    this.kinds = kinds;
    this.tileIds = new long[tiles];
    Arrays.fill(tileIds, Long.MIN_VALUE);
    this.counts = new long[tiles * kinds];
    this.totals = new long[kinds];
  }

  public long tileOf(long time) {
    return Math.floorDiv(time, tileMillis);
  }

  /** True when an event at {@code time} falls inside the window as of {@code asOf}. */
  public boolean covers(long time, long asOf) {
    long tile = tileOf(time);
    return time <= asOf && tile > tileOf(asOf) - tiles;
  }

  /** Moves the window's end to {@code time}; earlier instants are ignored. */
  public void advanceTo(long time) {
    long tile = tileOf(time);
    if (tile <= currentTile) {
      return;
    }
    long oldest = tile - tiles + 1;
    for (int slot = 0; slot < tiles; slot++) {
      if (tileIds[slot] != Long.MIN_VALUE && tileIds[slot] < oldest) {
        for (int k = 0; k < kinds; k++) {
          totals[k] -= counts[slot * kinds + k];
          counts[slot * kinds + k] = 0;
        }
        tileIds[slot] = Long.MIN_VALUE;
      }
    }
    currentTile = tile;
  }

  /**
   * Counts one event of {@code kind} at {@code time}. The window first moves to {@code time} if
   * that is later; an event older than the window is ignored.
   */
  public void add(int kind, long time) {
    advanceTo(time);
    long tile = tileOf(time);
    if (tile <= currentTile - tiles) {
      return;
    }
    int slot = (int) Math.floorMod(tile, (long) tiles);
    if (tileIds[slot] != tile) {
      // The slot can only hold an expired tile here: advanceTo cleared it already.
      tileIds[slot] = tile;
    }
    counts[slot * kinds + kind]++;
    totals[kind]++;
  }

  public long total(int kind) {
    return totals[kind];
  }
}
