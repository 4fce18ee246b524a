package io.flywheel.core.internal.simulator;

import io.flywheel.core.LiveAnswer;
import io.flywheel.core.LiveOptions;
import io.flywheel.core.LiveRequest;
import io.flywheel.core.LiveSummary;
import io.flywheel.core.PolicyValue;
import io.flywheel.core.ShownItem;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * What a live simulation keeps besides the world: the policy it asks, how it finds what the policy
 * showed in the world, what the oracle and popularity would have shown on each request and what
 * that was worth, and the pace it runs at.
 */
final class LiveRun {
  // Copy read once per content id; a policy writing without end must not fill the heap.
  private static final int MAX_READ_COPY = 100_000;

  /**
   * An item a live policy showed, found in the world: the catalogue's item {@code content} (its
   * product, kind and noise) under the policy's ids.
   *
   * @param appeal what the copy the policy showed adds to each audience row's click log-odds; null
   *     when it is the catalogue's own copy
   * @param worldContent true when it is the catalogue's item itself (popularity counts its clicks)
   */
  record Served(
      int content,
      String contentId,
      String variantId,
      String campaignId,
      double[] appeal,
      boolean contradicted,
      String arm,
      boolean worldContent) {}

  private final LiveOptions options;
  private final Catalog catalog;
  private final Behaviour behaviour;
  private final Appeal reader;
  private final int slotSize;
  private final UniformRandomProvider counterfactuals;
  private final UniformRandomProvider randomPolicy;
  private final long simulatedStart;
  private final int[] popularitySlot;
  private final double[] popularityPropensity;
  private final Map<String, Catalog.Read> readCopy =
      new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Catalog.Read> eldest) {
          return size() > MAX_READ_COPY;
        }
      };
  private long wallStart = -1;
  private long answered;
  private long failed;
  private long fallbackRequests;
  private final Map<String, Long> fallbacks = new TreeMap<>();
  private long unknownItems;
  private long droppedItems;
  private String firstError;
  private double oracleClicks;
  private double oraclePurchases;
  private double ceilingClicks;
  private double ceilingPurchases;
  private double popularityClicks;
  private double popularityPurchases;

  LiveRun(
      LiveOptions options,
      Catalog catalog,
      Behaviour behaviour,
      Appeal reader,
      int slotSize,
      UniformRandomProvider counterfactuals,
      UniformRandomProvider randomPolicy,
      long simulatedStart) {
    this.options = options;
    this.catalog = catalog;
    this.behaviour = behaviour;
    this.reader = reader;
    this.slotSize = slotSize;
    this.counterfactuals = counterfactuals;
    this.randomPolicy = randomPolicy;
    this.simulatedStart = simulatedStart;
    this.popularitySlot = new int[slotSize];
    this.popularityPropensity = new double[slotSize];
  }

  LiveOptions options() {
    return options;
  }

  UniformRandomProvider counterfactuals() {
    return counterfactuals;
  }

  int[] popularitySlot() {
    return popularitySlot;
  }

  double[] popularityPropensity() {
    return popularityPropensity;
  }

  /** Waits, when the run is paced, until the wall clock has caught up with simulated time. */
  void pace(long at) {
    if (options.speed() <= 0) {
      return;
    }
    long now = System.nanoTime();
    if (wallStart < 0) {
      wallStart = now;
    }
    long due = wallStart + (long) ((at - simulatedStart) * 1e6 / options.speed());
    long wait = due - now;
    if (wait <= 0) {
      return;
    }
    try {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("live simulation interrupted"));
    }
  }

  /**
   * The oracle's slate: the {@code min(k, onSale)} items on sale this shopper would most likely buy
   * through now (click at the top position, cart, buy), best first; ties go to the older item.
   */
  int[] oracleSlate(int user, int hour, boolean weekend, int onSale) {
    int n = Math.min(slotSize, onSale);
    int[] best = new int[n];
    double[] scores = new double[n];
    int filled = 0;
    int variants = catalog.variants;
    for (int product = 0; product * variants < onSale; product++) {
      double cartThenBuy =
          behaviour.pCartGivenClick(user, product)
              * behaviour.pBuyGivenCart(user, product, weekend);
      for (int c = product * variants; c < (product + 1) * variants && c < onSale; c++) {
        double score = behaviour.pClick(user, c, 0, hour) * cartThenBuy;
        if (filled == n && score <= scores[n - 1]) {
          continue;
        }
        int at = filled < n ? filled++ : n - 1;
        while (at > 0 && scores[at - 1] < score) {
          scores[at] = scores[at - 1];
          best[at] = best[at - 1];
          at--;
        }
        scores[at] = score;
        best[at] = c;
      }
    }
    return best;
  }

  /** Puts the oracle's slate in {@code slot}, each item surely placed. */
  int copyOracle(int[] oracle, int[] slot, double[] propensity) {
    for (int position = 0; position < oracle.length; position++) {
      slot[position] = oracle[position];
      propensity[position] = 1.0;
    }
    return oracle.length;
  }

  /**
   * Fills {@code slot} with distinct items uniform over what is on sale; each item's propensity is
   * the chance it had given the items placed before it.
   */
  int fillRandom(int[] slot, double[] propensity, int onSale) {
    int n = Math.min(slot.length, onSale);
    Set<Integer> placed = new HashSet<>();
    for (int position = 0; position < n; position++) {
      int chosen;
      do {
        chosen = randomPolicy.nextInt(onSale);
      } while (!placed.add(chosen));
      slot[position] = chosen;
      propensity[position] = 1.0 / (onSale - position);
    }
    return n;
  }

  void addOracle(int user, int[] slate, int hour, boolean weekend) {
    double[] value = value(user, slate, hour, weekend);
    oracleClicks += value[0];
    oraclePurchases += value[1];
  }

  void addCeiling(int user, int[] slate, int hour, boolean weekend) {
    double[] value = value(user, slate, hour, weekend);
    ceilingClicks += value[0];
    ceilingPurchases += value[1];
  }

  /**
   * The oracle over the policy's own pool: each product's best copy among the pool's, then the
   * products the shopper would most likely buy, in that order.
   */
  void addPoolOracle(int user, List<Served> pool, int hour, boolean weekend) {
    int row = behaviour.row(user);
    Map<Integer, Served> bestCopy = new LinkedHashMap<>();
    Map<Integer, Double> bestScore = new LinkedHashMap<>();
    for (Served s : pool) {
      int product = catalog.productOf(s.content());
      double score =
          pClick(user, s, row, 0, hour)
              * behaviour.pCartGivenClick(user, product)
              * behaviour.pBuyGivenCart(user, product, weekend);
      Double held = bestScore.get(product);
      if (held == null || score > held) {
        bestScore.put(product, score);
        bestCopy.put(product, s);
      }
    }
    List<Integer> order = new ArrayList<>(bestCopy.keySet());
    order.sort((a, b) -> Double.compare(bestScore.get(b), bestScore.get(a)));
    for (int position = 0; position < Math.min(slotSize, order.size()); position++) {
      int product = order.get(position);
      double pClick = pClick(user, bestCopy.get(product), row, position, hour);
      oracleClicks += pClick;
      oraclePurchases +=
          Latent.round9(
              pClick
                  * behaviour.pCartGivenClick(user, product)
                  * behaviour.pBuyGivenCart(user, product, weekend));
    }
  }

  private double pClick(int user, Served s, int row, int position, int hour) {
    return s.appeal() == null
        ? behaviour.pClick(user, s.content(), position, hour)
        : behaviour.pClick(user, s.content(), s.appeal()[row], position, hour);
  }

  private double[] value(int user, int[] slate, int hour, boolean weekend) {
    double clicks = 0;
    double purchases = 0;
    for (int position = 0; position < slate.length; position++) {
      int content = slate[position];
      int product = catalog.productOf(content);
      double pClick = behaviour.pClick(user, content, position, hour);
      double pCart = behaviour.pCartGivenClick(user, product);
      double pBuy = behaviour.pBuyGivenCart(user, product, weekend);
      clicks += pClick;
      purchases += Latent.round9(pClick * pCart * pBuy);
    }
    return new double[] {clicks, purchases};
  }

  void addPopularity(int user, int[] slate, int shown, int hour, boolean weekend) {
    for (int position = 0; position < shown; position++) {
      int content = slate[position];
      int product = catalog.productOf(content);
      double pClick = behaviour.pClick(user, content, position, hour);
      double pCart = behaviour.pCartGivenClick(user, product);
      double pBuy = behaviour.pBuyGivenCart(user, product, weekend);
      popularityClicks += pClick;
      popularityPurchases += Latent.round9(pClick * pCart * pBuy);
    }
  }

  /**
   * What a shopper did (not an impression: the policy logged those itself), passed on to the policy
   * as the shop's page would report it.
   */
  void observed(io.flywheel.core.Event event) {
    if (options.policy() != null && event.type() != io.flywheel.core.EventType.IMPRESSION) {
      options.policy().observed(event);
    }
  }

  /** The stream has delivered its last event: the policy passes on what it still holds. */
  void streamEnded() {
    if (options.policy() != null) {
      options.policy().flush();
    }
  }

  /** The policy's answer, or null when it failed (counted; the shopper sees nothing). */
  LiveAnswer ask(LiveRequest request) {
    LiveAnswer answer;
    try {
      answer = options.policy().answer(request);
    } catch (Exception e) {
      fail(e.getMessage() == null ? e.getClass().getName() : e.getMessage());
      return null;
    }
    if (answer == null) {
      fail("the policy gave no answer");
      return null;
    }
    answered();
    if (!answer.fallbacks().isEmpty()) {
      fallbackRequests++;
      for (String fallback : new HashSet<>(answer.fallbacks())) {
        fallbacks.merge(fallback, 1L, Long::sum);
      }
    }
    return answer;
  }

  private void fail(String error) {
    failed++;
    if (firstError == null) {
      firstError = error;
    }
  }

  void answered() {
    answered++;
  }

  void unknown() {
    unknownItems++;
  }

  void dropped(long items) {
    droppedItems += items;
  }

  /**
   * Finds a shown item in the world, or null when it cannot be: by content id, else by product and
   * variant (then its own title and body, when both are given, are read in place of the variant's
   * copy). Only what is on sale (items below {@code onSale}) can be shown.
   */
  Served resolve(ShownItem item, int onSale) {
    int content = index(item.contentId(), "c", catalog.contentCount());
    if (content >= 0) {
      if (content >= onSale) {
        return null;
      }
      return new Served(
          content,
          item.contentId(),
          catalog.variantId(content),
          campaign(item, content),
          null,
          catalog.contradicted(content),
          item.arm(),
          true);
    }
    int product = index(item.productId(), "p", catalog.productCount);
    int variant = index(item.variantId(), "v", catalog.variants + 1) - 1;
    if (product < 0 || variant < 0) {
      return null;
    }
    int variantContent = product * catalog.variants + variant;
    if (variantContent >= onSale) {
      return null;
    }
    String contentId =
        item.contentId() == null || item.contentId().isBlank()
            ? catalog.contentId(variantContent)
            : item.contentId();
    Catalog.Read read = null;
    if (item.title() != null && item.body() != null) {
      String key =
          item.contentId() == null || item.contentId().isBlank()
              ? variantContent + "\n" + item.title() + "\n" + item.body()
              : variantContent + "\n" + item.contentId();
      read = readCopy.get(key);
      if (read == null) {
        read = catalog.read(reader, variantContent, item.title(), item.body(), Audience.rows());
        readCopy.put(key, read);
      }
    }
    return new Served(
        variantContent,
        contentId,
        catalog.variantId(variantContent),
        campaign(item, variantContent),
        read == null ? null : read.appeal(),
        read == null ? catalog.contradicted(variantContent) : read.contradicted(),
        item.arm(),
        read == null && contentId.equals(catalog.contentId(variantContent)));
  }

  private String campaign(ShownItem item, int content) {
    return item.campaignId() == null || item.campaignId().isBlank()
        ? catalog.campaignOf(content)
        : item.campaignId();
  }

  /**
   * The number in an id the world writes as {@code prefix + n} with {@code 0 <= n < bound}, or -1
   * when {@code id} is not one of them.
   */
  static int index(String id, String prefix, int bound) {
    if (id == null || !id.startsWith(prefix) || id.length() == prefix.length()) {
      return -1;
    }
    String digits = id.substring(prefix.length());
    if (digits.length() > 9 || (digits.length() > 1 && digits.charAt(0) == '0')) {
      return -1;
    }
    int n = 0;
    for (int i = 0; i < digits.length(); i++) {
      char ch = digits.charAt(i);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      n = n * 10 + (ch - '0');
    }
    return n < bound ? n : -1;
  }

  LiveSummary summary(
      long seed,
      int startDay,
      int days,
      long requests,
      long impressions,
      long clicks,
      long carts,
      long purchases,
      double policyClicks,
      double policyPurchases) {
    return new LiveSummary(
        seed,
        startDay,
        days,
        options.policyName(),
        requests,
        answered,
        failed,
        fallbackRequests,
        fallbacks,
        unknownItems,
        droppedItems,
        impressions,
        clicks,
        carts,
        purchases,
        new PolicyValue(
            per1000(policyClicks, requests),
            per1000(oracleClicks, requests),
            per1000(popularityClicks, requests),
            per1000(ceilingClicks, requests)),
        new PolicyValue(
            per1000(policyPurchases, requests),
            per1000(oraclePurchases, requests),
            per1000(popularityPurchases, requests),
            per1000(ceilingPurchases, requests)),
        oraclePurchases > 0 ? policyPurchases / oraclePurchases : null,
        popularityPurchases > 0 ? policyPurchases / popularityPurchases : null,
        firstError,
        options.policy() == null ? 0 : options.policy().reportedEvents(),
        options.policy() == null ? 0 : options.policy().unreportedEvents());
  }

  private static double per1000(double total, long requests) {
    return requests == 0 ? 0 : total * 1000.0 / requests;
  }
}
