package io.flywheel.console;

import io.flywheel.benchmarks.ContentBenchmark;
import io.flywheel.content.CatalogFacts;
import io.flywheel.content.ContentDocument;
import io.flywheel.content.ContentFiles;
import io.flywheel.content.ContentIndex;
import io.flywheel.content.ContentPlan;
import io.flywheel.content.ContentQuery;
import io.flywheel.content.ContentSearch;
import io.flywheel.content.CopyLocale;
import io.flywheel.content.LocalElasticsearch;
import io.flywheel.content.MiniLmEmbedder;
import io.flywheel.content.ProductFacts;
import io.flywheel.content.ShopPolicy;
import io.flywheel.content.TemplateGenerator;
import io.flywheel.core.ContentItem;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.Product;
import io.flywheel.core.SafetyVerdict;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.evaluation.Bootstrap;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel bench-content}: the content path's figures on this machine, against the targets
 * of the content issue: generation, checks with embeddings, bulk indexing, hybrid search latency at
 * concurrency 4, relevance on the simulator's judged queries, and the planted bad copy.
 */
@Command(
    name = "bench-content",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark content: template generation, checks with embeddings, embedding, bulk"
            + " indexing into a local Elasticsearch, hybrid/BM25/kNN search latency and NDCG@10 on"
            + " the simulator's judged queries; prints each figure and its target.")
final class BenchContentCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--products",
      defaultValue = "3500",
      description = "Products of the simulated shop (default: ${DEFAULT-VALUE}).")
  private int products;

  @Option(
      names = "--shoppers",
      description =
          "Shoppers of the simulated shop, whose searches are the judged queries (default: 8 per"
              + " product).")
  private Integer shoppers;

  @Option(
      names = "--warm-up",
      defaultValue = "4000",
      description =
          "Searches per mode, at the latency runs' concurrency, before any is timed: a fresh"
              + " Elasticsearch node compiles its search code during the first few thousand"
              + " (default: ${DEFAULT-VALUE}).")
  private int warmUp;

  @Option(
      names = "--documents",
      defaultValue = "100000",
      description = "Documents indexed for the latency runs (default: ${DEFAULT-VALUE}).")
  private int documents;

  @Option(
      names = "--check-items",
      defaultValue = "2000",
      description = "Items checked per timed run (default: ${DEFAULT-VALUE}).")
  private int checkItems;

  @Option(
      names = "--searches",
      defaultValue = "2000",
      description = "Searches per latency run (default: ${DEFAULT-VALUE}).")
  private int searches;

  @Option(
      names = "--concurrency",
      defaultValue = "4",
      description = "Concurrent searchers (default: ${DEFAULT-VALUE}).")
  private int concurrency;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Timed runs of generation and checks (default: ${DEFAULT-VALUE}).")
  private int runs;

  @Option(names = "--seed", defaultValue = "23", description = "Seed (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(
      names = "--vector-index",
      split = ",",
      defaultValue = "hnsw,flat",
      description = "How vectors are indexed, each measured in turn (default: ${DEFAULT-VALUE}).")
  private List<String> vectorIndexes;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path home = Files.createDirectories(root.home().resolve("bench-content"));
    int people = shoppers != null ? shoppers : 8 * products;
    Path world = home.resolve("world-" + products + "-" + people + "-" + seed);
    if (!Files.exists(world.resolve(MarketplaceSimulator.SUMMARY_FILE))) {
      say(out, "simulating a shop of %,d products into %s", products, world);
      MarketplaceSimulator.run(
          new SimulationConfig(people, products, 14, seed, 0.0, WorldConfig.defaults()),
          world,
          SimulationProgress.NONE);
    }
    List<Product> catalogue =
        ContentFiles.products(world.resolve(MarketplaceSimulator.PRODUCTS_FILE));
    CatalogFacts catalog =
        ContentFiles.catalog(catalogue, world.resolve(MarketplaceSimulator.EVENTS_FILE), null);
    List<ProductFacts> facts = new ArrayList<>(catalog.all());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("products", catalogue.size());

    ContentBenchmark.Throughput gen = ContentBenchmark.generation(facts, runs, seed);
    body.put("generation", figures(gen, 2_000));
    say(
        out,
        "generation: %,.0f items/s median of %s (%,d items a run; target >= 2,000)",
        gen.median(),
        rounded(gen),
        gen.items());

    List<ContentItem> items =
        ContentPlan.everything(3)
            .generate(new TemplateGenerator(seed, ShopPolicy.defaults()), facts, n -> {});
    List<ContentItem> sample = items.subList(0, Math.min(checkItems, items.size()));
    ContentBenchmark.Throughput bare = ContentBenchmark.checks(catalog, sample, runs, false);
    body.put("checksWithoutEmbeddings", figures(bare, 0));
    say(
        out,
        "checks without embeddings: %,.0f items/s median of %s (where the time goes)",
        bare.median(),
        rounded(bare));
    ContentBenchmark.Throughput checks = ContentBenchmark.checks(catalog, sample, runs, true);
    body.put("checks", figures(checks, 300));
    say(
        out,
        "checks with embeddings: %,.0f items/s median of %s (%,d items; target >= 300)",
        checks.median(),
        rounded(checks),
        checks.items());

    // Planted bad copy, and the simulator's approved stock copy, which must pass.
    List<ProductFacts> some = facts.subList(0, Math.min(50, facts.size()));
    Map<String, ContentItem> originals = new LinkedHashMap<>();
    for (ContentItem i : items) {
      if (i.locale().equals("en-US")
          && some.stream().anyMatch(f -> f.product().id().equals(i.productIds().get(0)))) {
        originals.putIfAbsent(i.productIds().get(0), i);
      }
    }
    List<ContentBenchmark.Planted> planted = ContentBenchmark.plantedSet(some, originals);
    Map<String, int[]> caught = ContentBenchmark.catchPlanted(catalog, planted, originals);
    Map<String, String> caughtFigures = new LinkedHashMap<>();
    caught.forEach((reason, c) -> caughtFigures.put(reason, c[0] + "/" + c[1]));
    body.put("planted", caughtFigures);
    say(out, "planted bad copy rejected for the right reason: %s", caughtFigures);
    List<ContentItem> stock = ContentFiles.items(world.resolve(MarketplaceSimulator.CONTENT_FILE));
    List<ContentItem> stockSample = stock.subList(0, Math.min(1_000, stock.size()));
    long stockRejected =
        new io.flywheel.content.ContentChecks(
                catalog,
                ShopPolicy.defaults(),
                io.flywheel.content.ClaimRules.defaults(),
                MiniLmEmbedder.shared())
            .checkAll(stockSample).stream()
                .filter(r -> r.verdict() == SafetyVerdict.REJECTED)
                .count();
    body.put("stockRejected", stockRejected + "/" + stockSample.size());
    say(
        out,
        "simulator stock copy rejected: %d of %,d (target 0)",
        stockRejected,
        stockSample.size());

    // Documents: products and generated copy (indexed as approved: checks are timed above).
    long started = System.nanoTime();
    List<ContentDocument> docs;
    try (ProgressBar bar =
        ProgressBars.create(
            "embed", " docs", 1, Math.min(documents, catalogue.size() + items.size()), err)) {
      docs = ContentBenchmark.documents(catalogue, items, catalog, documents, bar::stepTo);
    }
    double embedSeconds = (System.nanoTime() - started) / 1e9;
    body.put(
        "embedding",
        Map.of("documents", docs.size(), "perSecond", Math.round(docs.size() / embedSeconds)));
    say(
        out,
        "embedding: %,d documents in %.0f s (%,.0f docs/s)",
        docs.size(),
        embedSeconds,
        docs.size() / embedSeconds);

    List<ContentBenchmark.JudgedQuery> judged = JudgedQueries.load(world);
    say(out, "judged queries from the simulator's truth: %,d", judged.size());
    try (LocalElasticsearch node =
        LocalElasticsearch.start(home.resolve("elasticsearch"), 0, 1024, line -> {})) {
      Map<String, Object> byIndex = new LinkedHashMap<>();
      for (String v : vectorIndexes) {
        ContentIndex.VectorIndex vectors = ContentIndex.VectorIndex.of(v, "--vector-index");
        say(out, "-- vectors indexed as %s", vectors.type());
        Map<String, Object> figures = new LinkedHashMap<>();
        try (ContentIndex index =
            ContentIndex.connect(node.url(), null, MiniLmEmbedder.shared().dimension(), vectors)) {
          measureIndex(index, docs, judged, figures, out);
        }
        byIndex.put(vectors.type(), figures);
      }
      body.put("indexes", byIndex);
    }
    if (output.json()) {
      out.println(TrainCommand.JSON.writeValueAsString(body));
    }
    return 0;
  }

  private void measureIndex(
      ContentIndex index,
      List<ContentDocument> docs,
      List<ContentBenchmark.JudgedQuery> judged,
      Map<String, Object> body,
      PrintWriter out)
      throws Exception {
    ContentIndex.Rebuild rebuild = index.rebuild(docs, n -> {});
    double loadRate = rebuild.indexed() / Math.max(1e-3, rebuild.loadMillis() / 1000.0);
    double rebuildRate = rebuild.indexed() / Math.max(1e-3, rebuild.millis() / 1000.0);
    Map<String, Object> indexing = new LinkedHashMap<>();
    indexing.put("documents", rebuild.indexed());
    indexing.put("loadSeconds", rebuild.loadMillis() / 1000.0);
    indexing.put("perSecond", Math.round(loadRate));
    indexing.put("mergeSeconds", rebuild.mergeMillis() / 1000.0);
    indexing.put("rebuildSeconds", rebuild.millis() / 1000.0);
    indexing.put("rebuildPerSecond", Math.round(rebuildRate));
    indexing.put("target", 5_000);
    body.put("indexing", indexing);
    say(
        out,
        "bulk indexing: %,d documents loaded in %.1f s (%,.0f docs/s; target >= 5,000); merged"
            + " into one segment in %.1f s; whole rebuild %.1f s (%,.0f docs/s)",
        rebuild.indexed(),
        rebuild.loadMillis() / 1000.0,
        loadRate,
        rebuild.mergeMillis() / 1000.0,
        rebuild.millis() / 1000.0,
        rebuildRate);

    ContentSearch search = new ContentSearch(index, MiniLmEmbedder.shared(), null);
    if (warmUp > 0) {
      for (ContentQuery.SearchMode mode : ContentQuery.SearchMode.values()) {
        ContentBenchmark.latency(search, judged, mode, concurrency, warmUp);
      }
    }
    Map<String, Object> latency = new LinkedHashMap<>();
    for (ContentQuery.SearchMode mode : ContentQuery.SearchMode.values()) {
      ContentBenchmark.Latency l =
          ContentBenchmark.latency(search, judged, mode, concurrency, searches);
      latency.put(
          mode.name().toLowerCase(Locale.ROOT),
          Map.of("p50", l.p50(), "p95", l.p95(), "p99", l.p99(), "searches", l.queries()));
      say(
          out,
          "%s search on %,d docs at concurrency %d: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms%s",
          mode.name().toLowerCase(Locale.ROOT),
          rebuild.indexed(),
          concurrency,
          l.p50(),
          l.p95(),
          l.p99(),
          mode == ContentQuery.SearchMode.HYBRID ? " (target p99 <= 20 ms)" : "");
    }
    body.put("latencyMillis", latency);
    // One searcher at a time: what each part costs without queueing for the cores.
    Map<String, Object> serial = new LinkedHashMap<>();
    for (ContentQuery.SearchMode mode : ContentQuery.SearchMode.values()) {
      ContentBenchmark.Latency l =
          ContentBenchmark.latency(search, judged, mode, 1, Math.min(searches, 500));
      serial.put(mode.name().toLowerCase(Locale.ROOT), l.p50());
    }
    double embedMillis = ContentBenchmark.queryEmbeddingMillis(judged);
    serial.put("query_embedding", embedMillis);
    body.put("serialP50Millis", serial);
    say(
        out,
        "one searcher at a time, p50: hybrid %.1f ms, BM25 %.1f ms, kNN %.1f ms (of which"
            + " embedding the query %.1f ms)",
        serial.get("hybrid"),
        serial.get("bm25"),
        serial.get("knn"),
        embedMillis);

    Map<String, Object> relevance = new LinkedHashMap<>();
    for (CopyLocale locale : CopyLocale.values()) {
      List<ContentBenchmark.JudgedQuery> qs =
          judged.stream().filter(q -> q.locale() == locale).toList();
      if (qs.isEmpty()) {
        continue;
      }
      Map<ContentQuery.SearchMode, ContentBenchmark.Relevance> byMode = new LinkedHashMap<>();
      for (ContentQuery.SearchMode mode : ContentQuery.SearchMode.values()) {
        byMode.put(mode, ContentBenchmark.relevance(search, qs, mode, locale.tag()));
      }
      ContentBenchmark.Relevance hybrid = byMode.get(ContentQuery.SearchMode.HYBRID);
      Bootstrap.Interval overBm25 =
          ContentBenchmark.difference(hybrid, byMode.get(ContentQuery.SearchMode.BM25), seed);
      Bootstrap.Interval overKnn =
          ContentBenchmark.difference(hybrid, byMode.get(ContentQuery.SearchMode.KNN), seed);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("queries", qs.size());
      byMode.forEach((m, rel) -> r.put("ndcg10_" + rel.mode(), round(rel.ndcg())));
      r.put(
          "hybridMinusBm25",
          List.of(round(overBm25.estimate()), round(overBm25.lower()), round(overBm25.upper())));
      r.put(
          "hybridMinusKnn",
          List.of(round(overKnn.estimate()), round(overKnn.lower()), round(overKnn.upper())));
      relevance.put(locale.tag(), r);
      say(
          out,
          "NDCG@10 %s (%,d queries): hybrid %.3f, BM25 %.3f, kNN %.3f (target hybrid >= 0.6); hybrid - BM25 %+.3f [%+.3f, %+.3f], hybrid - kNN %+.3f [%+.3f, %+.3f] (95%% bootstrap)",
          locale.tag(),
          qs.size(),
          hybrid.ndcg(),
          byMode.get(ContentQuery.SearchMode.BM25).ndcg(),
          byMode.get(ContentQuery.SearchMode.KNN).ndcg(),
          overBm25.estimate(),
          overBm25.lower(),
          overBm25.upper(),
          overKnn.estimate(),
          overKnn.lower(),
          overKnn.upper());
    }
    body.put("relevance", relevance);
  }

  private void say(PrintWriter out, String format, Object... args) {
    if (!output.json()) {
      out.printf(Locale.ROOT, format + "%n", args);
      out.flush();
    }
  }

  private static List<Long> rounded(ContentBenchmark.Throughput t) {
    return t.perSecond().stream().map(Math::round).toList();
  }

  private static Map<String, Object> figures(ContentBenchmark.Throughput t, int target) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("medianPerSecond", Math.round(t.median()));
    m.put("runsPerSecond", rounded(t));
    m.put("items", t.items());
    m.put("target", target);
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
