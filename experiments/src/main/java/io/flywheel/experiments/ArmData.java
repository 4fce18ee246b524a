package io.flywheel.experiments;

/**
 * One arm's sufficient statistics for every metric: conversion (y: bought, x: orders before),
 * orders and revenue per user (x: the same before exposure), and clicks over impressions (y:
 * clicks, x: impressions, for the ratio). Every metric counts each exposed shopper once, so the
 * arm's users are any metric's count.
 */
record ArmData(Moments conversion, Moments orders, Moments revenue, Moments ctr) {
  static final ArmData EMPTY =
      new ArmData(Moments.EMPTY, Moments.EMPTY, Moments.EMPTY, Moments.EMPTY);

  long users() {
    return conversion.n();
  }

  Moments moments(MetricKind metric) {
    return switch (metric) {
      case CONVERSION -> conversion;
      case ORDERS -> orders;
      case REVENUE -> revenue;
      case CTR -> ctr;
    };
  }

  /**
   * The running sums of one arm's shoppers, added one shopper at a time: where each metric's y and
   * x come from a shopper's outcome is decided here and only here.
   */
  static final class Sums {
    private final double[] conversion = new double[6];
    private final double[] orders = new double[6];
    private final double[] revenue = new double[6];
    private final double[] ctr = new double[6];

    void add(UserOutcome u) {
      add(u.orders(), u.revenue(), u.clicks(), u.impressions(), u.preOrders(), u.preRevenue());
    }

    void add(
        int orderCount,
        double money,
        int clicks,
        int impressions,
        double preOrders,
        double preMoney) {
      put(conversion, orderCount > 0 ? 1 : 0, preOrders);
      put(orders, orderCount, preOrders);
      put(revenue, money, preMoney);
      put(ctr, clicks, impressions);
    }

    private static void put(double[] m, double y, double x) {
      m[0]++;
      m[1] += y;
      m[2] += y * y;
      m[3] += x;
      m[4] += x * x;
      m[5] += x * y;
    }

    ArmData data() {
      return new ArmData(moments(conversion), moments(orders), moments(revenue), moments(ctr));
    }

    private static Moments moments(double[] m) {
      return new Moments((long) m[0], m[1], m[2], m[3], m[4], m[5]);
    }
  }
}
