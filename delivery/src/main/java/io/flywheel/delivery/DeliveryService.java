package io.flywheel.delivery;

import io.flywheel.content.CopyLocale;
import io.flywheel.core.ContentItem;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.Product;
import io.flywheel.core.ShopperSegment;
import io.flywheel.experiments.CopyBandit;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.OnlineStore;
import io.flywheel.featurestore.ScoredItem;
import io.flywheel.featurestore.ShopCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a shopper sees: retrieve candidates (the content index, co-visitation neighbours of
 * what they saw lately, popularity), keep what may be shown (in the catalogue and on sale, approved
 * copy in the page's language, not already bought), fetch features in one multi-get per view, score
 * every product-and-copy pair in one call to the deployed ranker, keep each product's best copy,
 * re-rank for diversity, and log every item shown as an impression.
 *
 * <p>Each dependency has a deadline and a stand-in: ranker down → popularity order; index down →
 * co-visitation and popularity; feature store down → defaults (missing values). A response names
 * every stand-in it used in {@code fallbacks}; a failing dependency never fails the request.
 */
public final class DeliveryService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);

  /** Stand-in names, as responses and metrics carry them. */
  public static final String RANKER = "ranker";

  public static final String INDEX = "index";
  public static final String FEATURES = "features";
  public static final String LOG_FALLBACK = "log";

  /** An experiment arm's model version is not served: the rollout's choice answered instead. */
  public static final String ARM_MODEL = "arm-model";

  /** The target of a ranker that predicts P(click | impression). */
  static final String CLICK_TARGET = "ctr";

  /**
   * Purchases per click before a product has any: the prior {@code product_stats.conversion_7d} is
   * smoothed towards (feature-views.yaml).
   */
  static final double PRIOR_PURCHASES_PER_CLICK = 0.10;

  /** How often copy bandits' posteriors are written to their file (and at close). */
  private static final long BANDIT_SAVE_SECONDS = 10;

  /**
   * How delivery decides.
   *
   * @param candidates product-and-copy pairs scored per request (at most)
   * @param indexCandidates products asked of the content index
   * @param exploration the chance, per position, of placing a random eligible product instead
   * @param diversity MMR's weight on score (1: score only)
   * @param catalogueFeaturesTtl how long product, copy and variant vectors are reused
   */
  public record Settings(
      int candidates,
      int indexCandidates,
      Duration indexDeadline,
      Duration featuresDeadline,
      Duration rankerDeadline,
      double exploration,
      double diversity,
      int maxPerBrand,
      int maxPerCategory,
      Duration popularityRefresh,
      int rememberedShoppers,
      Duration catalogueFeaturesTtl) {
    public Settings {
      if (candidates < 1) {
        throw new IllegalArgumentException("candidates: must be at least 1, got " + candidates);
      }
      if (!(exploration >= 0 && exploration < 1)) {
        throw new IllegalArgumentException("exploration: must be in [0, 1), got " + exploration);
      }
      if (!(diversity > 0 && diversity <= 1)) {
        throw new IllegalArgumentException("diversity: must be in (0, 1], got " + diversity);
      }
    }

    public static Settings defaults() {
      return new Settings(
          300,
          30,
          Duration.ofMillis(80),
          Duration.ofMillis(40),
          Duration.ofMillis(80),
          0.05,
          0.8,
          2,
          3,
          Duration.ofSeconds(60),
          200_000,
          Duration.ofSeconds(10));
    }

    public Settings withCandidates(int n) {
      return new Settings(
          n,
          indexCandidates,
          indexDeadline,
          featuresDeadline,
          rankerDeadline,
          exploration,
          diversity,
          maxPerBrand,
          maxPerCategory,
          popularityRefresh,
          rememberedShoppers,
          catalogueFeaturesTtl);
    }

    /** The index and ranker deadline, and the feature store's. */
    public Settings withDeadlines(Duration remote, Duration features) {
      return new Settings(
          candidates,
          indexCandidates,
          remote,
          features,
          remote,
          exploration,
          diversity,
          maxPerBrand,
          maxPerCategory,
          popularityRefresh,
          rememberedShoppers,
          catalogueFeaturesTtl);
    }

    public Settings withExploration(double e) {
      return new Settings(
          candidates,
          indexCandidates,
          indexDeadline,
          featuresDeadline,
          rankerDeadline,
          e,
          diversity,
          maxPerBrand,
          maxPerCategory,
          popularityRefresh,
          rememberedShoppers,
          catalogueFeaturesTtl);
    }
  }

  /** Counters for /metrics and /health. */
  public record Counts(
      long requests, long items, long impressionsLogged, Map<String, Long> fallbacks) {}

  private final ShopCatalog catalog;
  private final CopyShelf shelf;
  private final ImpressionLog log;
  private final ContentRetrieval retrieval;
  private final OnlineStore store;
  private final FeatureRegistry registry;
  private final Ranker ranker;
  private final Settings settings;
  private final Clock clock;
  private final PopularityList popularity;
  private final VectorCache vectors;
  private final ShopperMemory memory;
  private final DiversityRerank rerank;
  private final ExecutorService dependencies;
  private final Map<String, FeatureRows> rowsByVersion =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong requestSeq = new AtomicLong();
  private final String instance = Long.toString(System.nanoTime() & 0xFFFFFF, 36);
  private final LongAdder requests = new LongAdder();
  private final LongAdder items = new LongAdder();
  private final Map<String, LongAdder> fallbackCounts =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ScheduledExecutorService refresher;
  private final ExperimentArms experiments;
  private final CopyBandits bandits;

  private final List<AutoCloseable> owned;

  private DeliveryService(Builder b) {
    this.owned = List.copyOf(b.owned);
    this.catalog = b.catalog;
    this.shelf = b.shelf;
    this.log = b.log;
    this.retrieval = b.retrieval;
    this.store = b.store;
    this.registry = b.registry == null ? FeatureRegistry.builtIn() : b.registry;
    this.ranker = b.ranker;
    this.settings = b.settings;
    this.clock = b.clock;
    this.experiments = b.experiments;
    this.bandits = new CopyBandits(b.banditState);
    this.popularity = new PopularityList(catalog);
    this.vectors =
        store == null
            ? null
            : new VectorCache(store, registry, settings.catalogueFeaturesTtl().toNanos());
    this.memory = new ShopperMemory(settings.rememberedShoppers());
    this.rerank =
        new DiversityRerank(
            settings.diversity(),
            settings.maxPerBrand(),
            settings.maxPerCategory(),
            settings.exploration());
    this.dependencies =
        new ThreadPoolExecutor(
            0,
            64,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "delivery-dependency");
              t.setDaemon(true);
              return t;
            });
    for (String name : List.of(RANKER, INDEX, FEATURES, LOG_FALLBACK, ARM_MODEL)) {
      fallbackCounts.put(name, new LongAdder());
    }
    // Popularity is read once here and then beside the requests, never on one.
    this.refresher =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "delivery-popularity");
              t.setDaemon(true);
              return t;
            });
    refresher.scheduleWithFixedDelay(
        bandits::save, BANDIT_SAVE_SECONDS, BANDIT_SAVE_SECONDS, TimeUnit.SECONDS);
    if (store != null) {
      refreshPopularity();
      long every = settings.popularityRefresh().toMillis();
      refresher.scheduleWithFixedDelay(
          this::refreshPopularity, every, every, TimeUnit.MILLISECONDS);
    }
  }

  public static Builder builder(ShopCatalog catalog, CopyShelf shelf, ImpressionLog log) {
    return new Builder(catalog, shelf, log);
  }

  /** What delivery is wired to; only the catalogue, the copy and the log are required. */
  public static final class Builder {
    private final ShopCatalog catalog;
    private final CopyShelf shelf;
    private final ImpressionLog log;
    private ContentRetrieval retrieval;
    private OnlineStore store;
    private FeatureRegistry registry;
    private Ranker ranker;
    private Settings settings = Settings.defaults();
    private Clock clock = Clock.systemUTC();
    private ExperimentArms experiments = ExperimentArms.NONE;
    private Path banditState;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private Builder(ShopCatalog catalog, CopyShelf shelf, ImpressionLog log) {
      this.catalog = catalog;
      this.shelf = shelf;
      this.log = log;
    }

    public Builder retrieval(ContentRetrieval r) {
      this.retrieval = r;
      return this;
    }

    public Builder features(OnlineStore s, FeatureRegistry r) {
      this.store = s;
      this.registry = r;
      return this;
    }

    public Builder ranker(Ranker r) {
      this.ranker = r;
      return this;
    }

    public Builder settings(Settings s) {
      this.settings = s;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    /**
     * The running experiments (re-read every {@code refresh}): each request is served and logged
     * under the arm its shopper is assigned.
     */
    public Builder experiments(
        java.util.function.Supplier<List<io.flywheel.experiments.ConversionExperiment>> running,
        java.time.Duration refresh) {
      return runningExperiments(
          () ->
              running.get().stream()
                  .map(io.flywheel.experiments.ExperimentCatalog.Entry::runningNow)
                  .toList(),
          Map::of,
          0,
          refresh);
    }

    /**
     * The catalogue's running experiments (each ramped up from when it started), the promoted
     * treatment, and the share of all shoppers held out of every experiment.
     */
    public Builder runningExperiments(
        java.util.function.Supplier<List<io.flywheel.experiments.ExperimentCatalog.Entry>> running,
        java.util.function.Supplier<Map<String, String>> promoted,
        double holdout,
        java.time.Duration refresh) {
      this.experiments = new ExperimentArms(running, promoted, holdout, refresh.toMillis());
      return this;
    }

    /** Where copy bandits keep what they learnt between runs (default: in memory only). */
    public Builder banditState(Path file) {
      this.banditState = file;
      return this;
    }

    /** Something delivery alone uses (its own inference client), closed with it. */
    public Builder closeWith(AutoCloseable resource) {
      this.owned.add(resource);
      return this;
    }

    public DeliveryService build() {
      return new DeliveryService(this);
    }
  }

  /** One product with a piece of its copy, as it moves through the request. */
  private static final class Pair {
    final Product product;
    final ContentItem copy;
    final Set<String> sources;
    double score;

    Pair(Product product, ContentItem copy, Set<String> sources) {
      this.product = product;
      this.copy = copy;
      this.sources = sources;
    }
  }

  public Recommendation recommend(RecommendationRequest request) {
    long started = System.nanoTime();
    requests.increment();
    List<String> fallbacks = new ArrayList<>(2);
    String requestId = "r-" + instance + "-" + Long.toString(requestSeq.incrementAndGet(), 36);
    Map<String, Double> stages = new LinkedHashMap<>();
    long mark = System.nanoTime();
    // 1. The shopper's vectors (their tastes also build the home slot's query), their segment, and
    // the experiment arm they are in.
    FeatureRows.Shopper shopper = shopperFeatures(request.userId(), fallbacks);
    ShopperSegment segment = request.segment() != null ? request.segment() : shopper.segment();
    ExperimentArms.Assigned arm =
        experiments.assign(
            request.slot().wireName(),
            segment.wireName(),
            request.locale() == null ? null : request.locale().tag(),
            request.userId(),
            clock.millis());
    mark = stage(stages, "shopper", mark);

    // 2. Candidate products, each with where it came from.
    Map<String, Set<String>> products = candidates(request, shopper, fallbacks);
    mark = stage(stages, "retrieve", mark);

    // 3. What may be shown: product on sale, not bought, approved copy in the page's language.
    Set<String> bought = memory.bought(request.userId());
    List<Pair> pairs = eligible(products, bought, request, request.locale(), segment);
    if (pairs.size() < request.k() && request.locale() != null) {
      pairs = eligible(products, bought, request, null, segment);
    }

    mark = stage(stages, "eligible", mark);
    // 4–5. Features for every pair, then one batched score call.
    String model =
        arm.popularityRanking()
            ? popularityOrder(pairs)
            : score(request, requestId, shopper, pairs, arm.modelVersion(), fallbacks, stages);
    mark = System.nanoTime();

    // 6. Each product's best copy, then a diverse slate with propensities.
    Map<String, Pair> bestCopy = new LinkedHashMap<>();
    for (Pair p : pairs) {
      Pair held = bestCopy.get(p.product.id());
      if (held == null
          || arm.prefers(p.copy) && !arm.prefers(held.copy)
          || arm.prefers(p.copy) == arm.prefers(held.copy) && p.score > held.score) {
        bestCopy.put(p.product.id(), p);
      }
    }
    List<DiversityRerank.Entry> entries = new ArrayList<>(bestCopy.size());
    for (Pair p : bestCopy.values()) {
      entries.add(
          new DiversityRerank.Entry(
              p.product.id(), p.product.leafCategory(), p.product.brand(), p.score, p));
    }
    entries.sort((a, b) -> Double.compare(b.score(), a.score()));
    SplittableRandom random = new SplittableRandom(requestId.hashCode() * 0x9E3779B97F4A7C15L);
    List<DiversityRerank.Placed> slate = rerank.slate(entries, request.k(), random);

    mark = stage(stages, "rerank", mark);
    // 7. Under a bandit arm, the bandit chooses each shown product's copy.
    CopyBandits.Chosen[] chosen =
        arm.banditCopy() ? banditCopy(arm, request, segment, requestId, pairs, slate) : null;
    // 8. The response and its impressions, logged before it is returned.
    List<RecommendedItem> shown = new ArrayList<>(slate.size());
    List<Event> impressions = new ArrayList<>(slate.size());
    long now = clock.millis();
    for (int position = 0; position < slate.size(); position++) {
      DiversityRerank.Placed placed = slate.get(position);
      Pair p = (Pair) placed.entry().payload();
      ContentItem c = chosen == null ? p.copy : chosen[position].copy();
      double propensity =
          chosen == null
              ? placed.propensity()
              : placed.propensity() * chosen[position].propensity();
      Map<String, Object> logged = new LinkedHashMap<>(6);
      logged.put("slot", request.slot().wireName());
      logged.put("segment", segment.wireName());
      if (chosen != null) {
        logged.put("copyArm", chosen[position].angle());
        logged.put("copyPropensity", chosen[position].propensity());
        logged.put("copyArms", chosen[position].choices());
      }
      shown.add(
          new RecommendedItem(
              position,
              p.product.id(),
              c.id(),
              c.variantId(),
              c.campaignId(),
              c.kind().wireName(),
              c.locale(),
              c.title(),
              c.body(),
              p.score,
              propensity,
              arm.experiment(),
              arm.armName(),
              List.copyOf(p.sources)));
      impressions.add(
          new Event(
              requestId + "-" + position,
              EventType.IMPRESSION,
              request.userId(),
              p.product.id(),
              c.id(),
              requestId,
              request.sessionId(),
              position,
              propensity,
              c.campaignId(),
              arm.experiment(),
              arm.armName(),
              c.variantId(),
              null,
              null,
              request.at(),
              Math.max(now, 1),
              logged));
    }
    try {
      log.append(impressions);
    } catch (IOException | RuntimeException e) {
      fallback(fallbacks, LOG_FALLBACK);
      LOG.warn("impressions of {} not logged: {}", requestId, e.toString());
    }
    stage(stages, "log", mark);
    memory.shown(request.userId(), shown.stream().map(RecommendedItem::productId).toList());
    items.add(shown.size());
    return new Recommendation(
        requestId,
        request.userId(),
        request.slot().wireName(),
        shown,
        List.copyOf(fallbacks),
        model,
        pairs.size(),
        (System.nanoTime() - started) / 1e6,
        stages,
        request.pool() ? pool(pairs) : null);
  }

  /**
   * Popularity as every pair's score: an arm's ranking without a model, and what {@link #score}
   * starts from (and keeps when the ranker fails). Returns the model used: none.
   */
  private String popularityOrder(List<Pair> pairs) {
    for (Pair p : pairs) {
      p.score = popularity.score(p.product.id());
    }
    return null;
  }

  /**
   * The bandit's copy for each placed product, chosen among that product's eligible copies (best
   * scored first within an angle), in the context of the slot and the shopper's segment.
   */
  private CopyBandits.Chosen[] banditCopy(
      ExperimentArms.Assigned arm,
      RecommendationRequest request,
      ShopperSegment segment,
      String requestId,
      List<Pair> pairs,
      List<DiversityRerank.Placed> slate) {
    Map<String, List<Pair>> byProduct = new HashMap<>();
    for (Pair p : pairs) {
      byProduct.computeIfAbsent(p.product.id(), id -> new ArrayList<>(4)).add(p);
    }
    String context = request.slot().wireName() + "/" + segment.wireName();
    UniformRandomProvider rng =
        RandomSource.SPLIT_MIX_64.create((long) requestId.hashCode() * 0x9E3779B97F4A7C15L + 1);
    CopyBandits.Chosen[] out = new CopyBandits.Chosen[slate.size()];
    for (int i = 0; i < out.length; i++) {
      Pair placed = (Pair) slate.get(i).entry().payload();
      List<Pair> options = byProduct.get(placed.product.id());
      options.sort((a, b) -> Double.compare(b.score, a.score));
      out[i] =
          bandits.choose(
              arm.banditName(),
              arm.arm().exploration(),
              context,
              requestId,
              options.stream().map(p -> p.copy).toList(),
              rng);
    }
    return out;
  }

  /** Every copy bandit's posteriors by arm ({@code experiment/arm}), context and angle. */
  public Map<String, List<CopyBandit.Posterior>> banditPosteriors() {
    return bandits.posteriors();
  }

  private static List<Recommendation.Candidate> pool(List<Pair> pairs) {
    List<Recommendation.Candidate> out = new ArrayList<>(pairs.size());
    for (Pair p : pairs) {
      out.add(new Recommendation.Candidate(p.product.id(), p.copy.id(), p.copy.variantId()));
    }
    return out;
  }

  private static long stage(Map<String, Double> stages, String name, long since) {
    long now = System.nanoTime();
    stages.merge(name, Math.round((now - since) / 1e4) / 100.0, Double::sum);
    return now;
  }

  /** What a shop's page reports (clicks, carts, purchases...): logged, and remembered. */
  public void collect(List<Event> events) throws IOException {
    log.append(events);
    for (Event e : events) {
      memory.observed(e);
      bandits.observed(e);
    }
  }

  public Counts counts() {
    Map<String, Long> f = new LinkedHashMap<>();
    fallbackCounts.forEach((k, v) -> f.put(k, v.sum()));
    return new Counts(requests.sum(), items.sum(), log.appended(), f);
  }

  /** The clock requests without a time are dated by. */
  public Clock clock() {
    return clock;
  }

  public String logDescription() {
    return log.describe();
  }

  private void refreshPopularity() {
    try {
      popularity.refresh(store, registry);
    } catch (RuntimeException e) {
      LOG.warn("popularity not refreshed from the feature store: {}", e.toString());
    }
  }

  private FeatureRows.Shopper shopperFeatures(String userId, List<String> fallbacks) {
    if (store == null) {
      return new FeatureRows.Shopper(null, null);
    }
    Map<String, Map<String, FeatureVector>> found =
        withDeadline(
            () -> {
              Map<String, Map<String, FeatureVector>> m = new HashMap<>();
              m.put(
                  "user_activity", store.getMany(registry.view("user_activity"), List.of(userId)));
              m.put(
                  "user_category_affinity",
                  store.getMany(registry.view("user_category_affinity"), List.of(userId)));
              return m;
            },
            settings.featuresDeadline(),
            FEATURES,
            fallbacks);
    if (found == null) {
      return new FeatureRows.Shopper(null, null);
    }
    return new FeatureRows.Shopper(
        found.get("user_activity").get(userId), found.get("user_category_affinity").get(userId));
  }

  private Map<String, Set<String>> candidates(
      RecommendationRequest request, FeatureRows.Shopper shopper, List<String> fallbacks) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    int wanted = Math.max(request.k(), settings.candidates());
    // The index: what the shopper typed, the product on the page, or their favourite categories.
    String text =
        switch (request.slot()) {
          case SEARCH -> request.query();
          case PRODUCT -> catalog.product(request.productId()).map(Product::title).orElse(null);
          case HOME, EMAIL -> tastes(shopper);
        };
    if (retrieval != null && text != null && !text.isBlank()) {
      List<String> found =
          withDeadline(
              () -> retrieval.products(text, request.locale(), settings.indexCandidates()),
              settings.indexDeadline(),
              INDEX,
              fallbacks);
      if (found != null) {
        found.forEach(id -> add(out, id, "index"));
      }
    } else if (retrieval == null && request.slot() == Slot.SEARCH) {
      fallback(fallbacks, INDEX);
    }
    // Co-visitation: neighbours of the page's product and of what the shopper saw lately.
    List<String> seeds = new ArrayList<>();
    if (request.productId() != null) {
      seeds.add(request.productId());
    }
    seeds.addAll(memory.recent(request.userId()));
    if (store != null && !seeds.isEmpty()) {
      Map<String, FeatureVector> neighbours =
          withDeadline(
              () -> store.getMany(registry.view("product_covisit"), seeds),
              settings.featuresDeadline(),
              FEATURES,
              fallbacks);
      if (neighbours != null) {
        for (String seed : seeds) {
          FeatureVector v = neighbours.get(seed);
          if (v != null && v.values().get("neighbours") instanceof List<?> list) {
            for (Object o : list) {
              if (o instanceof ScoredItem item) {
                add(out, item.id(), "covisit");
              }
            }
          }
        }
      }
    }
    // Popularity fills the rest: the whole answer for a shopper nobody knows yet.
    for (String id : popularity.order()) {
      if (out.size() >= wanted) {
        break;
      }
      add(out, id, "popular");
    }
    return out;
  }

  private static void add(Map<String, Set<String>> out, String productId, String source) {
    out.computeIfAbsent(productId, p -> new LinkedHashSet<>(2)).add(source);
  }

  /**
   * The shopper's three favourite categories as words (null: no tastes known). In a fixed order, so
   * shoppers who like the same three share one cached index answer.
   */
  private static String tastes(FeatureRows.Shopper shopper) {
    if (shopper.affinity() == null) {
      return null;
    }
    java.util.TreeSet<String> words = new java.util.TreeSet<>();
    for (int i = 1; i <= 3; i++) {
      Object category = shopper.affinity().values().get("category_" + i);
      if (category instanceof String s && !s.isBlank()) {
        words.add(s.replace('_', ' '));
      }
    }
    return words.isEmpty() ? null : String.join(" ", words);
  }

  private List<Pair> eligible(
      Map<String, Set<String>> products,
      Set<String> bought,
      RecommendationRequest request,
      CopyLocale locale,
      ShopperSegment segment) {
    List<Pair> pairs = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : products.entrySet()) {
      if (pairs.size() >= settings.candidates()) {
        break;
      }
      Product product = catalog.product(e.getKey()).orElse(null);
      if (product == null
          || product.listedAt() > request.at()
          || bought.contains(product.id())
          || product.id().equals(request.productId())) {
        continue;
      }
      for (ContentItem copy : shelf.copyFor(product.id(), locale)) {
        if (pairs.size() >= settings.candidates()) {
          break;
        }
        if (!segment.reads(copy.targetSegment())) {
          continue;
        }
        pairs.add(new Pair(product, copy, e.getValue()));
      }
    }
    return pairs;
  }

  /** Scores every pair (the ranker, else popularity); returns the model version used, or null. */
  private String score(
      RecommendationRequest request,
      String requestId,
      FeatureRows.Shopper shopper,
      List<Pair> pairs,
      String armVersion,
      List<String> fallbacks,
      Map<String, Double> stages) {
    long mark = System.nanoTime();
    popularityOrder(pairs);
    if (pairs.isEmpty()) {
      return null;
    }
    if (ranker == null) {
      fallback(fallbacks, RANKER);
      return null;
    }
    String key = request.userId();
    Ranker.Version version;
    try {
      version = versionFor(key, armVersion, fallbacks);
    } catch (IOException | RuntimeException e) {
      fallback(fallbacks, RANKER);
      return null;
    }
    List<FeatureRows.Candidate> candidates = new ArrayList<>(pairs.size());
    Set<String> productIds = new LinkedHashSet<>();
    Set<String> contentIds = new LinkedHashSet<>();
    Set<String> variantKeys = new LinkedHashSet<>();
    for (Pair p : pairs) {
      String variantKey =
          (p.copy.campaignId() == null ? "-" : p.copy.campaignId()) + "/" + p.copy.variantId();
      candidates.add(new FeatureRows.Candidate(p.product.id(), p.copy.id(), variantKey));
      productIds.add(p.product.id());
      contentIds.add(p.copy.id());
      variantKeys.add(variantKey);
    }
    Map<String, Map<String, FeatureVector>> vectors =
        store == null
            ? null
            : withDeadline(
                () -> {
                  Map<String, Map<String, FeatureVector>> m = new HashMap<>();
                  m.put("product_stats", getMany("product_stats", productIds));
                  m.put("content_stats", getMany("content_stats", contentIds));
                  m.put("variant_stats", getMany("variant_stats", variantKeys));
                  return m;
                },
                settings.featuresDeadline(),
                FEATURES,
                fallbacks);
    mark = stage(stages, "features", mark);
    if (vectors == null) {
      vectors =
          Map.of("product_stats", Map.of(), "content_stats", Map.of(), "variant_stats", Map.of());
    }
    FeatureRows rows =
        rowsByVersion.computeIfAbsent(version.id(), v -> new FeatureRows(version.featureNames()));
    float[] values = new float[pairs.size() * rows.width()];
    rows.fill(
        values,
        candidates,
        shopper,
        vectors.get("product_stats"),
        vectors.get("content_stats"),
        vectors.get("variant_stats"),
        request.at(),
        catalog);
    mark = stage(stages, "rows", mark);
    Ranker.Version chosen = version;
    double[] scores =
        withDeadline(
            () -> ranker.score(chosen, key, values, pairs.size(), rows.width()),
            settings.rankerDeadline(),
            RANKER,
            fallbacks);
    stage(stages, "ranker", mark);
    if (scores == null) {
      return null;
    }
    boolean clicks = CLICK_TARGET.equals(version.metadata().target());
    Map<String, FeatureVector> productStats = vectors.get("product_stats");
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      // What the shop is paid in is purchases: a click model's P(click) becomes expected
      // purchases, P(click) × P(purchase | click).
      p.score = clicks ? scores[i] * purchasePerClick(productStats.get(p.product.id())) : scores[i];
    }
    return version.id();
  }

  /**
   * The arm's model version while the rollout serves it, else the rollout's choice for the key
   * (flagging {@link #ARM_MODEL} when an arm asked for a version that is not served).
   */
  private Ranker.Version versionFor(String key, String armVersion, List<String> fallbacks)
      throws IOException {
    if (armVersion != null) {
      java.util.Optional<Ranker.Version> served = ranker.served(armVersion);
      if (served.isPresent()) {
        return served.get();
      }
      fallback(fallbacks, ARM_MODEL);
    }
    return ranker.versionFor(key);
  }

  /**
   * The product's purchases per click over 7 days as the feature job smooths it (towards {@link
   * #PRIOR_PURCHASES_PER_CLICK} with 10 pseudo-clicks), the prior itself when the product has no
   * value yet.
   */
  static double purchasePerClick(FeatureVector productStats) {
    Object v = productStats == null ? null : productStats.values().get("conversion_7d");
    return v instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() >= 0
        ? n.doubleValue()
        : PRIOR_PURCHASES_PER_CLICK;
  }

  private Map<String, FeatureVector> getMany(String view, Collection<String> keys) {
    return vectors.getMany(view, keys);
  }

  /**
   * Runs {@code call} with a deadline; on failure, timeout or a full pool returns null and records
   * {@code fallback} (once per request).
   */
  private <T> T withDeadline(
      Callable<T> call, Duration deadline, String fallback, List<String> fallbacks) {
    Future<T> future;
    try {
      future = dependencies.submit(call);
    } catch (RejectedExecutionException e) {
      fallback(fallbacks, fallback);
      return null;
    }
    try {
      return future.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      fallback(fallbacks, fallback);
      return null;
    } catch (TimeoutException e) {
      // Left to finish: a late index answer still fills the cache for the next request.
      fallback(fallbacks, fallback);
      return null;
    } catch (ExecutionException e) {
      fallback(fallbacks, fallback);
      LOG.debug("{} fell back: {}", fallback, e.toString());
      return null;
    }
  }

  private void fallback(List<String> fallbacks, String name) {
    if (!fallbacks.contains(name)) {
      fallbacks.add(name);
      fallbackCounts.computeIfAbsent(name, n -> new LongAdder()).increment();
    }
  }

  @Override
  public void close() throws IOException {
    refresher.shutdownNow();
    bandits.save();
    dependencies.shutdownNow();
    log.close();
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {}: {}", resource, e.toString());
      }
    }
  }
}
