package io.flywheel.experiments;

/**
 * One arm's sufficient statistics for every metric: conversion (y: bought, x: orders before),
 * orders and revenue per user (x: the same before exposure), and clicks over impressions (y:
 * clicks, x: impressions, for the ratio). Merging is exact, so days and shards add up.
 */
record ArmData(long users, Moments conversion, Moments orders, Moments revenue, Moments ctr) {
  static final ArmData EMPTY =
      new ArmData(0, Moments.EMPTY, Moments.EMPTY, Moments.EMPTY, Moments.EMPTY);

  ArmData add(UserOutcome u) {
    return new ArmData(
        users + 1,
        conversion.add(u.converted() ? 1 : 0, u.preOrders()),
        orders.add(u.orders(), u.preOrders()),
        revenue.add(u.revenue(), u.preRevenue()),
        ctr.add(u.clicks(), u.impressions()));
  }

  ArmData plus(ArmData o) {
    return new ArmData(
        users + o.users,
        conversion.plus(o.conversion),
        orders.plus(o.orders),
        revenue.plus(o.revenue),
        ctr.plus(o.ctr));
  }

  Moments moments(MetricKind metric) {
    return switch (metric) {
      case CONVERSION -> conversion;
      case ORDERS -> orders;
      case REVENUE -> revenue;
      case CTR -> ctr;
    };
  }
}
