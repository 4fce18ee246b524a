package io.flywheel.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flywheel.core.AtomicFiles;
import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.JsonLinesWriter;
import io.flywheel.core.Product;
import io.flywheel.core.SafetyVerdict;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * One campaign's copy, written stage by stage into its own folder: choose products and segments,
 * generate, check, embed, index, report. Each stage reads the file of the stage before and writes
 * its own atomically; a stage whose file already exists returns what the file holds instead of
 * working again, so a retried or re-run pipeline task never writes, checks or indexes twice.
 */
public final class ContentCampaign {
  public static final String PLAN = "plan.json";
  public static final String GENERATED = "generated.jsonl";
  public static final String CHECKS = "checks.json";
  public static final String DOCUMENTS = "documents.jsonl";
  public static final String INDEXED = "indexed.json";
  public static final String REPORT = "report.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a stage did: its count, whether an earlier attempt's file was reused, its figures. */
  public record Stage(String name, long count, boolean reused, Map<String, String> figures) {}

  /**
   * What to write copy for.
   *
   * @param categories top-level or leaf categories to choose from (empty: all)
   * @param limit how many products (bestsellers first, then new arrivals, then the rest)
   */
  public record Brief(
      Path products, Path events, List<String> categories, int limit, ContentPlan plan) {
    public Brief {
      if (limit < 1) {
        throw new IllegalArgumentException("limit: must be at least 1, got " + limit);
      }
      categories = categories == null ? List.of() : List.copyOf(categories);
    }
  }

  private final Path dir;

  public ContentCampaign(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** Chooses the products (and records the plan) the later stages write for. */
  public Stage choose(Brief brief) throws IOException {
    Path plan = dir.resolve(PLAN);
    if (Files.exists(plan)) {
      JsonNode p = JSON.readTree(plan.toFile());
      return stage("choose", p.path("products").size(), true, Map.of());
    }
    Files.createDirectories(dir);
    if (brief.plan().brief() != null) {
      GenerationPolicy.checkBrief(brief.plan().brief());
    }
    CatalogFacts catalog =
        ContentFiles.catalog(ContentFiles.products(brief.products()), brief.events(), null);
    Set<String> wanted =
        brief.categories().stream()
            .map(c -> c.strip().toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
    List<ProductFacts> chosen =
        catalog.all().stream()
            .filter(f -> wanted.isEmpty() || inCategories(f.product(), wanted))
            .sorted(
                Comparator.comparingInt(
                    (ProductFacts f) -> f.topSeller().isPresent() ? 0 : f.isNew() ? 1 : 2))
            .limit(brief.limit())
            .toList();
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException(
          "categories: no product of the catalogue is in " + brief.categories());
    }
    ObjectNode p = JSON.createObjectNode();
    p.put("products_file", brief.products().toAbsolutePath().toString());
    p.put(
        "events_file", brief.events() == null ? null : brief.events().toAbsolutePath().toString());
    p.put("as_of", chosen.get(0).asOf());
    var ids = p.putArray("products");
    chosen.forEach(f -> ids.add(f.product().id()));
    ContentPlan cp = brief.plan();
    var kinds = p.putArray("kinds");
    cp.kinds().forEach(k -> kinds.add(k.wireName()));
    var locales = p.putArray("locales");
    cp.locales().forEach(l -> locales.add(l.tag()));
    var segments = p.putArray("segments");
    cp.segments().forEach(segments::add);
    p.put("variants", cp.variants());
    p.put("campaign", cp.campaignId());
    p.put("brief", cp.brief());
    AtomicFiles.writeString(plan, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(p));
    long bestsellers = chosen.stream().filter(f -> f.topSeller().isPresent()).count();
    return stage(
        "choose",
        chosen.size(),
        false,
        Map.of(
            "bestsellers", Long.toString(bestsellers),
            "requests", Long.toString(cp.size(chosen.size()))));
  }

  /** Writes the plan's copy with {@code generator}; pending until checked. */
  public Stage generate(ContentGenerator generator, LongConsumer progress) throws IOException {
    Path out = dir.resolve(GENERATED);
    if (Files.exists(out)) {
      return stage("generate", lines(out), true, Map.of());
    }
    Chosen chosen = chosen();
    List<ContentItem> items = chosen.plan().generate(generator, chosen.facts(), progress);
    Path tmp = dir.resolve(GENERATED + ".part");
    try (JsonLinesWriter<ContentItem> writer = JsonLinesWriter.create(tmp, Codecs.CONTENT)) {
      items.forEach(writer::write);
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return stage("generate", items.size(), false, Map.of("generator", generator.name()));
  }

  /** Checks the generated copy: approved to {@code approved.jsonl}, the rest held with reasons. */
  public Stage check(ClaimRules rules, TextEmbedder embedder, LongConsumer progress)
      throws IOException {
    Path summaryFile = dir.resolve(CHECKS);
    if (Files.exists(summaryFile)) {
      JsonNode s = JSON.readTree(summaryFile.toFile());
      return stage("check", s.path("checked").asLong(), true, figures(s));
    }
    Chosen chosen = chosen();
    List<ContentItem> items = ContentFiles.items(dir.resolve(GENERATED));
    ContentChecks checks = new ContentChecks(chosen.catalog(), chosen.policy(), rules, embedder);
    List<CheckResult> results = new ArrayList<>(items.size());
    for (int from = 0; from < items.size(); from += ContentIndexing.BATCH) {
      results.addAll(
          checks.checkAll(
              items.subList(from, Math.min(items.size(), from + ContentIndexing.BATCH))));
      progress.accept(results.size());
    }
    CheckedCopy.write(dir, results);
    CheckSummary summary = CheckSummary.of(results);
    ObjectNode s = JSON.createObjectNode();
    s.put("checked", results.size());
    s.put("approved", summary.count(SafetyVerdict.APPROVED));
    s.put("needs_review", summary.count(SafetyVerdict.NEEDS_REVIEW));
    s.put("rejected", summary.count(SafetyVerdict.REJECTED));
    ObjectNode reasons = s.putObject("reasons");
    summary.byReason().forEach(reasons::put);
    AtomicFiles.writeString(summaryFile, JSON.writeValueAsString(s));
    return stage("check", results.size(), false, figures(s));
  }

  /** Embeds the chosen products and the approved copy into index documents. */
  public Stage embed(TextEmbedder embedder, LongConsumer progress) throws IOException {
    Path out = dir.resolve(DOCUMENTS);
    if (Files.exists(out)) {
      return stage("embed", lines(out), true, Map.of());
    }
    Chosen chosen = chosen();
    List<ContentItem> approved = ContentFiles.items(dir.resolve(CheckedCopy.APPROVED));
    List<ContentDocument> docs =
        ContentIndexing.documents(
            chosen.facts().stream().map(ProductFacts::product).toList(),
            approved,
            chosen.catalog(),
            embedder,
            progress);
    Path tmp = dir.resolve(DOCUMENTS + ".part");
    try (BufferedWriter w = Files.newBufferedWriter(tmp)) {
      for (ContentDocument d : docs) {
        w.write(JSON.writeValueAsString(d));
        w.newLine();
      }
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return stage("embed", docs.size(), false, Map.of("model", embedder.modelName()));
  }

  /** Adds the embedded documents to the live content index (creating it when there is none). */
  public Stage index(ContentIndex index) throws IOException {
    Path marker = dir.resolve(INDEXED);
    if (Files.exists(marker)) {
      JsonNode m = JSON.readTree(marker.toFile());
      return stage("index", m.path("indexed").asLong(), true, figures(m));
    }
    List<ContentDocument> docs = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(dir.resolve(DOCUMENTS))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        docs.add(JSON.readValue(line, ContentDocument.class));
      }
    }
    long started = System.nanoTime();
    long indexed = index.upsert(docs);
    ObjectNode m = JSON.createObjectNode();
    m.put("indexed", indexed);
    m.put("index", index.currentIndex());
    m.put("millis", (System.nanoTime() - started) / 1_000_000);
    AtomicFiles.writeString(marker, JSON.writeValueAsString(m));
    return stage("index", indexed, false, figures(m));
  }

  /** Counts of every stage and the rejections by reason, as {@code report.json}. */
  public Stage report() throws IOException {
    JsonNode plan = JSON.readTree(dir.resolve(PLAN).toFile());
    JsonNode checks = JSON.readTree(dir.resolve(CHECKS).toFile());
    Path marker = dir.resolve(INDEXED);
    ObjectNode r = JSON.createObjectNode();
    r.put("campaign", plan.path("campaign").asText(null));
    r.put("products", plan.path("products").size());
    r.put("generated", lines(dir.resolve(GENERATED)));
    r.put("approved", checks.path("approved").asLong());
    r.put("needs_review", checks.path("needs_review").asLong());
    r.put("rejected", checks.path("rejected").asLong());
    r.set("reasons", checks.path("reasons"));
    r.put("documents", lines(dir.resolve(DOCUMENTS)));
    if (Files.exists(marker)) {
      JsonNode m = JSON.readTree(marker.toFile());
      r.put("indexed", m.path("indexed").asLong());
      r.put("index", m.path("index").asText());
    }
    AtomicFiles.writeString(
        dir.resolve(REPORT), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
    Map<String, String> figures = new LinkedHashMap<>(figures(r));
    figures.put("report", dir.resolve(REPORT).toString());
    return stage("report", r.path("approved").asLong(), false, figures);
  }

  private record Chosen(
      ContentPlan plan, CatalogFacts catalog, List<ProductFacts> facts, ShopPolicy policy) {}

  private Chosen chosen() throws IOException {
    Path planFile = dir.resolve(PLAN);
    if (!Files.exists(planFile)) {
      throw new IllegalStateException("no " + PLAN + " in " + dir + ": run the choose stage first");
    }
    JsonNode p = JSON.readTree(planFile.toFile());
    List<Product> products = ContentFiles.products(Path.of(p.path("products_file").asText()));
    String events = p.path("events_file").asText(null);
    CatalogFacts catalog =
        ContentFiles.catalog(
            products,
            events == null ? null : Path.of(events),
            Instant.ofEpochMilli(p.path("as_of").asLong()));
    List<ProductFacts> facts = new ArrayList<>();
    for (JsonNode id : p.path("products")) {
      facts.add(
          catalog
              .facts(id.asText())
              .orElseThrow(
                  () ->
                      new IllegalStateException("product " + id.asText() + " left the catalogue")));
    }
    List<ContentKind> kinds = new ArrayList<>();
    p.path("kinds").forEach(k -> kinds.add(ContentKind.fromWire(k.asText(), "kinds")));
    List<CopyLocale> locales = new ArrayList<>();
    p.path("locales").forEach(l -> locales.add(CopyLocale.fromTag(l.asText(), "locales")));
    List<String> segments = new ArrayList<>();
    p.path("segments").forEach(s -> segments.add(s.asText()));
    ContentPlan plan =
        new ContentPlan(
            kinds,
            locales,
            segments,
            p.path("variants").asInt(),
            p.path("campaign").asText(null),
            p.path("brief").asText(null));
    return new Chosen(plan, catalog, facts, ShopPolicy.defaults());
  }

  private static boolean inCategories(Product p, Set<String> wanted) {
    return p.categoryPath().stream().anyMatch(c -> wanted.contains(c.toLowerCase(Locale.ROOT)));
  }

  private static long lines(Path file) throws IOException {
    try (var lines = Files.lines(file)) {
      return lines.filter(l -> !l.isBlank()).count();
    }
  }

  private static Map<String, String> figures(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    node.fields()
        .forEachRemaining(
            e ->
                out.put(
                    e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
    return out;
  }

  private static Stage stage(String name, long count, boolean reused, Map<String, String> figures) {
    return new Stage(name, count, reused, Map.copyOf(figures));
  }
}
