package io.flywheel.experiments;

/**
 * Sufficient statistics of per-user pairs (y, x) for one arm: count, sums, sums of squares and the
 * cross sum. Everything the tests need (means, variances, the CUPED slope, the delta method for a
 * ratio y/x) follows from them, so analyses merge per-day and per-shard moments instead of holding
 * every user.
 */
record Moments(long n, double sy, double syy, double sx, double sxx, double sxy) {
  static final Moments EMPTY = new Moments(0, 0, 0, 0, 0, 0);

  Moments add(double y, double x) {
    return new Moments(n + 1, sy + y, syy + y * y, sx + x, sxx + x * x, sxy + x * y);
  }

  Moments plus(Moments o) {
    return new Moments(n + o.n, sy + o.sy, syy + o.syy, sx + o.sx, sxx + o.sxx, sxy + o.sxy);
  }

  double meanY() {
    return n == 0 ? 0 : sy / n;
  }

  double meanX() {
    return n == 0 ? 0 : sx / n;
  }

  /** Sample variance of y (n − 1 denominator). */
  double varY() {
    return n < 2 ? 0 : Math.max(0, (syy - sy * sy / n) / (n - 1));
  }

  double varX() {
    return n < 2 ? 0 : Math.max(0, (sxx - sx * sx / n) / (n - 1));
  }

  double covXY() {
    return n < 2 ? 0 : (sxy - sx * sy / n) / (n - 1);
  }
}
