package io.flywheel.core.internal.simulator;

import io.flywheel.core.GroundTruth;
import io.flywheel.core.User;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AhrensDieterMarsagliaTsangGammaSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * The shoppers and their latent preferences: category affinities (sparse, Dirichlet), price
 * sensitivity, a favourite brand with a loyalty strength, and activity (sessions per day). Users
 * are numbered in sign-up order.
 */
final class Shoppers {
  private static final String[] REGIONS = {"NA", "EU", "APAC", "LATAM"};
  private static final double[] REGION_SHARES = {0.4, 0.35, 0.18, 0.07};
  private static final String[] DEVICES = {"mobile", "desktop", "tablet"};
  private static final double[] DEVICE_SHARES = {0.6, 0.32, 0.08};
  // Small alpha: most shoppers care about a handful of categories.
  private static final double AFFINITY_ALPHA = 0.15;
  private static final double ACTIVITY_SIGMA = 0.8;

  final int size;
  final int leaves;
  final long[] joinedAt;
  final double[] affinity;
  final double[] priceSensitivity;
  final int[] favouriteBrand;
  final double[] loyalty;
  final double[] activity;
  final boolean[] mobile;

  /** Row of the audience (segment and locale) each shopper reads copy as; see assignAudience. */
  final int[] audienceRow;

  private final User[] users;
  private final String[] brandNames;

  Shoppers(
      int size,
      double initialShare,
      double meanSessionsPerDay,
      long start,
      long end,
      String[] brandNames,
      UniformRandomProvider rng) {
    this.size = size;
    this.leaves = Taxonomy.LEAVES.size();
    this.brandNames = brandNames;
    ZigguratSampler.NormalizedGaussian normal = Latent.gaussian(rng);
    var gamma = AhrensDieterMarsagliaTsangGammaSampler.of(rng, AFFINITY_ALPHA, 1.0);
    joinedAt = Arrivals.times(size, initialShare, start, end, 730, rng);
    affinity = new double[size * leaves];
    priceSensitivity = new double[size];
    favouriteBrand = new int[size];
    loyalty = new double[size];
    activity = new double[size];
    mobile = new boolean[size];
    audienceRow = new int[size];
    users = new User[size];
    double[] raw = new double[leaves];
    for (int u = 0; u < size; u++) {
      double sum = 0;
      for (int l = 0; l < leaves; l++) {
        raw[l] = gamma.sample();
        sum += raw[l];
      }
      int top = 0;
      for (int l = 0; l < leaves; l++) {
        affinity[u * leaves + l] = Latent.round6(sum > 0 ? raw[l] / sum : 1.0 / leaves);
        if (raw[l] > raw[top]) {
          top = l;
        }
      }
      int department = Taxonomy.departmentOf(Taxonomy.LEAVES.get(top));
      favouriteBrand[u] =
          department * Catalog.BRANDS_PER_DEPARTMENT + rng.nextInt(Catalog.BRANDS_PER_DEPARTMENT);
      loyalty[u] = Latent.round6(rng.nextDouble());
      priceSensitivity[u] = Latent.round6(Math.exp(0.5 * normal.sample()));
      // Log-normal with mean meanSessionsPerDay: a few heavy shoppers, many occasional ones.
      activity[u] =
          Latent.round6(
              meanSessionsPerDay
                  * Math.exp(
                      ACTIVITY_SIGMA * normal.sample() - ACTIVITY_SIGMA * ACTIVITY_SIGMA / 2));
      String region = REGIONS[Latent.pickWeighted(rng, REGION_SHARES)];
      String device = DEVICES[Latent.pickWeighted(rng, DEVICE_SHARES)];
      mobile[u] = device.equals("mobile");
      users[u] = new User(userId(u), region, device, joinedAt[u]);
    }
  }

  /**
   * Puts each shopper in a segment (from price sensitivity, loyalty and tenure at the start) and
   * draws the language each reads from {@code rng}, a stream of its own: the shoppers drawn before
   * stay as they were.
   */
  void assignAudience(long simulationStart, UniformRandomProvider rng) {
    for (int u = 0; u < size; u++) {
      int segment =
          Audience.segmentOf(priceSensitivity[u], loyalty[u], joinedAt[u], simulationStart);
      audienceRow[u] = Audience.row(segment, Audience.drawLocale(users[u].region(), rng));
    }
  }

  /** Share of shoppers in each audience row. */
  double[] audienceShares() {
    double[] shares = new double[Audience.rows()];
    for (int u = 0; u < size; u++) {
      shares[audienceRow[u]] += 1.0 / size;
    }
    return shares;
  }

  boolean readsChinese(int u) {
    return audienceRow[u] % Audience.LOCALES.size() == 1;
  }

  String userId(int u) {
    return "u" + u;
  }

  User user(int u) {
    return users[u];
  }

  double affinity(int u, int leaf) {
    return affinity[u * leaves + leaf];
  }

  /** A leaf category drawn from the user's affinities. */
  int drawLeaf(int u, UniformRandomProvider rng) {
    double target = rng.nextDouble();
    int base = u * leaves;
    for (int l = 0; l < leaves - 1; l++) {
      target -= affinity[base + l];
      if (target < 0) {
        return l;
      }
    }
    return leaves - 1;
  }

  GroundTruth.UserTruth truth(int u) {
    Map<String, Double> shares = new LinkedHashMap<>();
    for (int l = 0; l < leaves; l++) {
      double a = affinity(u, l);
      if (a >= Behaviour.AFFINITY_FLOOR) {
        shares.put(Taxonomy.LEAVES.get(l).name(), a);
      }
    }
    return new GroundTruth.UserTruth(
        userId(u),
        shares,
        priceSensitivity[u],
        brandNames[favouriteBrand[u]],
        loyalty[u],
        activity[u],
        Audience.SEGMENTS.get(audienceRow[u] / Audience.LOCALES.size()),
        Audience.LOCALES.get(audienceRow[u] % Audience.LOCALES.size()));
  }
}
