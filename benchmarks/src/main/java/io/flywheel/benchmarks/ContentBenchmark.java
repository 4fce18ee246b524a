package io.flywheel.benchmarks;

import io.flywheel.content.CatalogFacts;
import io.flywheel.content.CheckResult;
import io.flywheel.content.ClaimRules;
import io.flywheel.content.ContentChecks;
import io.flywheel.content.ContentDocument;
import io.flywheel.content.ContentHit;
import io.flywheel.content.ContentIndexing;
import io.flywheel.content.ContentPlan;
import io.flywheel.content.ContentQuery;
import io.flywheel.content.ContentSearch;
import io.flywheel.content.CopyLocale;
import io.flywheel.content.MiniLmEmbedder;
import io.flywheel.content.ProductFacts;
import io.flywheel.content.ShopPolicy;
import io.flywheel.content.TemplateGenerator;
import io.flywheel.core.ContentItem;
import io.flywheel.core.Product;
import io.flywheel.core.SafetyVerdict;
import io.flywheel.evaluation.Bootstrap;
import io.flywheel.evaluation.RankingMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * The content path's figures on one machine: template generation, checks with embeddings,
 * embedding, bulk indexing, search latency under concurrency, and search relevance against the
 * simulator's judged queries (hybrid against BM25 alone and kNN alone, with a paired bootstrap
 * interval of each difference over queries).
 */
public final class ContentBenchmark {
  private ContentBenchmark() {}

  /** Items or documents per second of each run, and their median. */
  public record Throughput(List<Double> perSecond, double median, long items) {}

  /** Latency in milliseconds under {@code concurrency} clients. */
  public record Latency(int queries, int concurrency, double p50, double p95, double p99) {}

  /** A query with graded relevant products (from the simulator's truth). */
  public record JudgedQuery(String text, CopyLocale locale, Map<String, Double> grades) {}

  /** NDCG@10 of one search mode over queries, per query (for paired comparisons). */
  public record Relevance(String mode, String locale, double ndcg, double[] perQuery) {}

  public static Throughput generation(
      java.util.Collection<ProductFacts> facts, int runs, long seed) {
    ContentPlan plan = ContentPlan.everything(3);
    plan.generate(new TemplateGenerator(seed, ShopPolicy.defaults()), facts, n -> {}); // warm-up
    List<Double> rates = new ArrayList<>();
    long items = 0;
    for (int r = 0; r < runs; r++) {
      long started = System.nanoTime();
      List<ContentItem> written =
          plan.generate(new TemplateGenerator(seed + r, ShopPolicy.defaults()), facts, n -> {});
      rates.add(written.size() / seconds(started));
      items = written.size();
    }
    return new Throughput(rates, median(rates), items);
  }

  /** Checks {@code items} with embeddings, in batches, {@code runs} times from a fresh state. */
  public static Throughput checks(
      CatalogFacts catalog, List<ContentItem> items, int runs, boolean embeddings) {
    MiniLmEmbedder embedder = embeddings ? MiniLmEmbedder.shared() : null;
    checkOnce(catalog, items.subList(0, Math.min(200, items.size())), embedder); // warm-up
    List<Double> rates = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      long started = System.nanoTime();
      checkOnce(catalog, items, embedder);
      rates.add(items.size() / seconds(started));
    }
    return new Throughput(rates, median(rates), items.size());
  }

  static List<CheckResult> checkOnce(
      CatalogFacts catalog, List<ContentItem> items, MiniLmEmbedder embedder) {
    ContentChecks checks =
        new ContentChecks(catalog, ShopPolicy.defaults(), ClaimRules.defaults(), embedder);
    List<CheckResult> results = new ArrayList<>(items.size());
    for (int from = 0; from < items.size(); from += ContentIndexing.BATCH) {
      results.addAll(
          checks.checkAll(
              items.subList(from, Math.min(items.size(), from + ContentIndexing.BATCH))));
    }
    return results;
  }

  /**
   * The products and as much of {@code copy} as fits in {@code limit} documents, embedded; the copy
   * is indexed as approved (the checks are timed apart).
   */
  public static List<ContentDocument> documents(
      List<Product> products,
      List<ContentItem> copy,
      CatalogFacts catalog,
      int limit,
      LongConsumer progress) {
    List<ContentItem> approved =
        copy.stream()
            .limit(Math.max(0, limit - products.size()))
            .map(i -> i.withVerdict(SafetyVerdict.APPROVED))
            .toList();
    return ContentIndexing.documents(
        products, approved, catalog, MiniLmEmbedder.shared(), progress);
  }

  /** A planted bad item and the reason the checks must reject it for. */
  public record Planted(String reason, ContentItem item) {}

  /**
   * Bad copy for each of {@code facts}: a wrong price, a wrong discount, a banned claim, an
   * invented review, the wrong language, a near-duplicate of {@code approvedFor}'s item for the
   * same slot, and copy over the length of its kind.
   */
  public static List<Planted> plantedSet(
      List<ProductFacts> facts, Map<String, ContentItem> approvedFor) {
    List<Planted> out = new ArrayList<>();
    for (ProductFacts f : facts) {
      Product p = f.product();
      String noun = p.leafCategory().toLowerCase(java.util.Locale.ROOT);
      double wrong = Math.round(f.salePrice() * 0.8 * 100) / 100.0;
      int claimedDiscount = f.discountPercent() + 15;
      out.add(
          planted(
              "price_mismatch",
              f,
              String.format(
                  java.util.Locale.ROOT, "The %s %s, now only $%.2f.", p.brand(), noun, wrong)));
      out.add(
          planted(
              "discount_mismatch",
              f,
              "Save " + claimedDiscount + "% on the " + p.brand() + " " + noun + " today."));
      out.add(planted("banned_claim", f, "The best in the world, with a guaranteed result."));
      out.add(
          planted(
              "invented_social_proof",
              f,
              "\"The only " + noun + " I will ever need\" - Sarah, verified buyer."));
      out.add(
          planted(
              "wrong_language",
              f,
              "Un choix élégant pour toute la famille, livré chez vous rapidement et sans frais."));
      out.add(
          planted(
              "too_long",
              f,
              "A "
                  + noun
                  + " for every day and every season, chosen with care, made to last for years and years, in the colour you like best."));
      ContentItem original = approvedFor.get(p.id());
      if (original != null) {
        out.add(
            new Planted(
                "near_duplicate",
                new ContentItem(
                    original.id() + "-copy",
                    original.kind(),
                    original.locale(),
                    original.title(),
                    original.body(),
                    original.productIds(),
                    original.targetSegment(),
                    "v9",
                    original.campaignId(),
                    "planted",
                    "1",
                    SafetyVerdict.PENDING,
                    original.createdAt())));
      }
    }
    return out;
  }

  private static Planted planted(String reason, ProductFacts f, String body) {
    Product p = f.product();
    return new Planted(
        reason,
        new ContentItem(
            "planted-" + reason + "-" + p.id(),
            io.flywheel.core.ContentKind.AD_COPY,
            "en-US",
            "New in",
            body,
            List.of(p.id()),
            "all",
            "v9",
            null,
            "planted",
            "1",
            SafetyVerdict.PENDING,
            f.asOf()));
  }

  /**
   * Checks the planted items (each near-duplicate after its original): per reason, how many were
   * rejected for it.
   */
  public static Map<String, int[]> catchPlanted(
      CatalogFacts catalog, List<Planted> planted, Map<String, ContentItem> approvedFor) {
    ContentChecks checks =
        new ContentChecks(
            catalog, ShopPolicy.defaults(), ClaimRules.defaults(), MiniLmEmbedder.shared());
    checks.remember(new ArrayList<>(approvedFor.values()));
    Map<String, int[]> caught = new java.util.TreeMap<>();
    for (Planted p : planted) {
      CheckResult r = checks.check(p.item());
      int[] c = caught.computeIfAbsent(p.reason(), k -> new int[2]);
      c[1]++;
      if (r.verdict() == SafetyVerdict.REJECTED && r.reasons().contains(p.reason())) {
        c[0]++;
      }
    }
    return caught;
  }

  /** Latency of {@code queries} searches in {@code mode}, {@code concurrency} at a time. */
  public static Latency latency(
      ContentSearch search,
      List<JudgedQuery> queries,
      ContentQuery.SearchMode mode,
      int concurrency,
      int total)
      throws Exception {
    for (int i = 0; i < Math.min(50, queries.size()); i++) { // warm-up
      search.search(query(queries.get(i), mode, 10));
    }
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<double[]>> clients = new ArrayList<>();
      int each = Math.max(1, total / concurrency);
      for (int c = 0; c < concurrency; c++) {
        int offset = c;
        clients.add(
            pool.submit(
                () -> {
                  double[] millis = new double[each];
                  for (int i = 0; i < each; i++) {
                    JudgedQuery q = queries.get((offset + i * concurrency) % queries.size());
                    long started = System.nanoTime();
                    search.search(query(q, mode, 10));
                    millis[i] = (System.nanoTime() - started) / 1e6;
                  }
                  return millis;
                }));
      }
      double[] all = new double[each * concurrency];
      int n = 0;
      for (Future<double[]> f : clients) {
        double[] part = f.get();
        System.arraycopy(part, 0, all, n, part.length);
        n += part.length;
      }
      Arrays.sort(all);
      return new Latency(
          all.length,
          concurrency,
          percentile(all, 0.5),
          percentile(all, 0.95),
          percentile(all, 0.99));
    } finally {
      pool.shutdownNow();
    }
  }

  /** Median milliseconds to embed one query, one at a time. */
  public static double queryEmbeddingMillis(List<JudgedQuery> queries) {
    MiniLmEmbedder embedder = MiniLmEmbedder.shared();
    int n = Math.min(300, queries.size());
    double[] millis = new double[n];
    for (int i = 0; i < n; i++) {
      long started = System.nanoTime();
      embedder.embed(queries.get(i).text());
      millis[i] = (System.nanoTime() - started) / 1e6;
    }
    Arrays.sort(millis);
    return percentile(millis, 0.5);
  }

  /** NDCG@10 per query: the hits' products, first mention counting, against the judged grades. */
  public static Relevance relevance(
      ContentSearch search, List<JudgedQuery> queries, ContentQuery.SearchMode mode, String locale)
      throws IOException {
    double[] per = new double[queries.size()];
    for (int i = 0; i < queries.size(); i++) {
      JudgedQuery q = queries.get(i);
      Set<String> ranked = new LinkedHashSet<>();
      for (ContentHit hit : search.search(query(q, mode, 50))) {
        ranked.addAll(hit.productIds());
      }
      double ndcg =
          RankingMetrics.ndcgAtK(
              new RankingMetrics.RankedList(new ArrayList<>(ranked), q.grades()), 10);
      per[i] = Double.isNaN(ndcg) ? 0 : ndcg;
    }
    return new Relevance(mode.name().toLowerCase(java.util.Locale.ROOT), locale, mean(per), per);
  }

  /** The paired bootstrap interval (95 %) of mean(a) - mean(b) over the same queries. */
  public static Bootstrap.Interval difference(Relevance a, Relevance b, long seed) {
    boolean[] labels = new boolean[a.perQuery().length];
    Arrays.fill(labels, true);
    return Bootstrap.difference(
        a.perQuery(), b.perQuery(), labels, (s, l) -> mean(s), 2_000, seed, 0.95);
  }

  private static ContentQuery query(JudgedQuery q, ContentQuery.SearchMode mode, int k) {
    // Products match in every locale; copy only in the query's.
    return new ContentQuery(q.text(), q.locale(), null, null, k, mode);
  }

  private static double percentile(double[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  private static double seconds(long startedNanos) {
    return Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
  }
}
