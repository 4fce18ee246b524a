package io.flywheel.console;

import io.flywheel.content.CatalogFacts;
import io.flywheel.content.CheckResult;
import io.flywheel.content.CheckSummary;
import io.flywheel.content.ClaimRules;
import io.flywheel.content.ContentChecks;
import io.flywheel.content.ContentDocument;
import io.flywheel.content.ContentFiles;
import io.flywheel.content.ContentHit;
import io.flywheel.content.ContentIndex;
import io.flywheel.content.ContentIndexing;
import io.flywheel.content.ContentPlan;
import io.flywheel.content.ContentQuery;
import io.flywheel.content.ContentRefusedException;
import io.flywheel.content.ContentRequest;
import io.flywheel.content.ContentSearch;
import io.flywheel.content.CopyLocale;
import io.flywheel.content.LocalElasticsearch;
import io.flywheel.content.MiniLmEmbedder;
import io.flywheel.content.ProductFacts;
import io.flywheel.content.ShopPolicy;
import io.flywheel.content.TemplateGenerator;
import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.FlywheelConfig;
import io.flywheel.core.JsonLinesWriter;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.Product;
import io.flywheel.core.SafetyVerdict;
import io.flywheel.workflows.Orchestration;
import io.flywheel.workflows.RunState;
import io.flywheel.workflows.TaskState;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's content step: generate copy for part of the catalogue in both locales, check it (with
 * a planted wrong price and a refused request for reviews), index products and approved copy in a
 * local Elasticsearch, and search it in English and Chinese.
 */
final class DemoContentStep {
  static final int PRODUCTS = 40;

  private DemoContentStep() {}

  static void run(
      Path demoHome,
      Path worldDir,
      long seed,
      FlywheelConfig config,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    List<Product> products =
        ContentFiles.products(worldDir.resolve(MarketplaceSimulator.PRODUCTS_FILE));
    CatalogFacts catalog =
        ContentFiles.catalog(products, worldDir.resolve(MarketplaceSimulator.EVENTS_FILE), null);
    List<ProductFacts> chosen = catalog.all().stream().limit(PRODUCTS).toList();
    ShopPolicy policy = ShopPolicy.defaults();
    TemplateGenerator generator = new TemplateGenerator(seed, policy);

    long started = System.nanoTime();
    List<ContentItem> items = ContentPlan.everything(3).generate(generator, chosen, n -> {});
    double genSeconds = (System.nanoTime() - started) / 1e9;
    long measured = catalog.all().stream().filter(f -> f.topSeller().isPresent()).count();
    out.printf(
        Locale.ROOT,
        "  generated %,d items (5 kinds x en-US, zh-CN x 3 angle variants) for %d products in"
            + " %.2f s; %d of the catalogue's %d products are measured bestsellers (the only"
            + " social proof allowed)%n",
        items.size(),
        chosen.size(),
        genSeconds,
        measured,
        catalog.size());
    try {
      generator.generate(
          new ContentRequest(
              chosen.get(0),
              ContentKind.PRODUCT_DESCRIPTION,
              CopyLocale.EN_US,
              "all",
              1,
              null,
              "write five customer reviews"));
    } catch (ContentRefusedException e) {
      out.println("  asked for \"five customer reviews\": " + e.reason() + " (refused)");
    }

    ContentItem planted = wrongPrice(items.get(0), chosen.get(0));
    List<ContentItem> toCheck = new ArrayList<>(items);
    toCheck.add(planted);
    started = System.nanoTime();
    List<CheckResult> results =
        new ContentChecks(catalog, policy, ClaimRules.defaults(), MiniLmEmbedder.shared())
            .checkAll(toCheck);
    double checkSeconds = (System.nanoTime() - started) / 1e9;
    CheckSummary summary = CheckSummary.of(results);
    out.printf(
        Locale.ROOT,
        "  checked %,d items in %.1f s (facts, claims, length, language, MinHash + embedding"
            + " duplicates): %,d approved, %,d need review, %,d rejected %s%n",
        results.size(),
        checkSeconds,
        summary.count(SafetyVerdict.APPROVED),
        summary.count(SafetyVerdict.NEEDS_REVIEW),
        summary.count(SafetyVerdict.REJECTED),
        summary.byReason());
    CheckResult plantedResult = results.get(results.size() - 1);
    out.println(
        "  planted \""
            + planted.body()
            + "\" -> "
            + plantedResult.verdict().wireName()
            + ": "
            + plantedResult.findings().get(0).detail());
    Path contentDir = Files.createDirectories(demoHome.resolve("content"));
    List<ContentItem> approved = new ArrayList<>();
    try (JsonLinesWriter<ContentItem> writer =
        JsonLinesWriter.create(contentDir.resolve("approved.jsonl"), Codecs.CONTENT)) {
      for (CheckResult r : results) {
        if (r.approved()) {
          writer.write(r.item());
          approved.add(r.item());
        }
      }
    }
    for (CopyLocale locale : CopyLocale.values()) {
      approved.stream()
          .filter(i -> i.locale().equals(locale.tag()) && i.kind() == ContentKind.EMAIL)
          .findFirst()
          .ifPresent(
              i ->
                  out.printf(
                      "  sample %s email (%s): %s | %s%n",
                      locale.tag(), i.angle().wireName(), i.title(), i.body()));
    }

    List<ContentDocument> docs =
        ContentIndexing.documents(products, approved, catalog, MiniLmEmbedder.shared(), n -> {});
    try (LocalElasticsearch node =
            LocalElasticsearch.start(demoHome.resolve("elasticsearch"), 0, 512, line -> {});
        ContentIndex index =
            ContentIndex.connect(node.url(), null, MiniLmEmbedder.shared().dimension())) {
      ContentIndex.Rebuild rebuild = index.rebuild(docs, n -> {});
      out.printf(
          Locale.ROOT,
          "  Elasticsearch %s at %s: %,d documents (%,d products, %,d approved items) in %s"
              + " behind alias %s, loaded in %.1f s%n",
          LocalElasticsearch.VERSION,
          node.url(),
          rebuild.indexed(),
          products.size(),
          rebuild.indexed() - products.size(),
          rebuild.index(),
          ContentIndex.ALIAS,
          rebuild.millis() / 1000.0);
      ContentSearch search = new ContentSearch(index, MiniLmEmbedder.shared(), null);
      Product first = chosen.get(0).product();
      String english = first.brand() + " " + first.leafCategory().toLowerCase(Locale.ROOT);
      show(out, search, new ContentQuery(english, CopyLocale.EN_US, null, null, 3, null));
      String chinese =
          CopyLocale.ZH_CN.categoryName(first.leafCategory())
              + " "
              + CopyLocale.ZH_CN.categoryName(first.topCategory());
      show(out, search, new ContentQuery(chinese, CopyLocale.ZH_CN, null, null, 3, null));
      campaign(demoHome, worldDir, config.with(FlywheelConfig.ELASTICSEARCH_URL, node.url()), out);
      out.printf(Locale.ROOT, "  content index now holds %,d documents%n", index.count());
    }
  }

  /** The same stages as a Temporal pipeline: what a shop schedules for each campaign. */
  private static void campaign(Path demoHome, Path worldDir, FlywheelConfig config, PrintWriter out)
      throws Exception {
    try (Orchestration orchestration = Orchestration.open(demoHome, config)) {
      String run =
          orchestration
              .pipelines()
              .submit(
                  Orchestration.pipelineSpecs(demoHome).get("content-campaign"),
                  Map.of(
                      "products",
                      worldDir.resolve(MarketplaceSimulator.PRODUCTS_FILE).toString(),
                      "limit",
                      "10",
                      "variants",
                      "2",
                      "campaign",
                      "demo-spring"),
                  LocalDate.of(2026, 1, 12));
      RunState state = orchestration.pipelines().await(run, Duration.ofMinutes(5));
      PipelinesCommand.print(state, out);
      RunState.TaskRun report = state.tasks().get("report");
      if (report != null && report.state() == TaskState.SUCCEEDED) {
        Map<String, String> r = report.outputs();
        out.printf(
            "  campaign demo-spring: %s products, %s items, %s approved, %s need review, %s"
                + " rejected %s, %s documents indexed; report %s%n",
            r.get("products"),
            r.get("generated"),
            r.get("approved"),
            r.get("needs_review"),
            r.get("rejected"),
            r.get("reasons"),
            r.get("indexed"),
            r.get("report"));
      }
    }
  }

  private static void show(PrintWriter out, ContentSearch search, ContentQuery q) throws Exception {
    out.printf("  search \"%s\" (%s, hybrid BM25 + kNN):%n", q.text(), q.locale().tag());
    List<ContentHit> hits = search.search(q);
    for (int i = 0; i < hits.size(); i++) {
      ContentHit h = hits.get(i);
      String body = h.body().length() > 70 ? h.body().substring(0, 70) + "..." : h.body();
      out.printf(
          "    %d. %s %s: %s | %s%n",
          i + 1, h.type(), h.kind() == null ? "" : h.kind(), h.title(), body);
    }
  }

  /** A copy of {@code item} whose body quotes a price the catalogue does not state. */
  private static ContentItem wrongPrice(ContentItem item, ProductFacts facts) {
    double wrong = Math.round(facts.salePrice() * 0.8 * 100) / 100.0;
    String body =
        String.format(Locale.ROOT, "The %s, now only $%.2f.", facts.product().title(), wrong);
    return new ContentItem(
        "planted-wrong-price",
        item.kind(),
        item.locale(),
        item.title(),
        body,
        item.productIds(),
        item.targetSegment(),
        "v9",
        item.campaignId(),
        "demo",
        "1",
        SafetyVerdict.PENDING,
        item.createdAt());
  }
}
