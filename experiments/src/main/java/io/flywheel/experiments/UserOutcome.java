package io.flywheel.experiments;

/**
 * What one exposed shopper did from first exposure on, and before it (the pre-period covariates
 * CUPED uses). Counts as intention to treat: everything after the first exposure counts for the arm
 * first seen, whatever the shopper saw later.
 */
public record UserOutcome(
    String userId,
    String arm,
    long firstExposure,
    boolean converted,
    int orders,
    double revenue,
    int clicks,
    int impressions,
    double preOrders,
    double preRevenue) {}
