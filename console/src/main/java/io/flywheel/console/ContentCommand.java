package io.flywheel.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.content.CatalogFacts;
import io.flywheel.content.CheckResult;
import io.flywheel.content.CheckSummary;
import io.flywheel.content.CheckedCopy;
import io.flywheel.content.ClaimRules;
import io.flywheel.content.ContentChecks;
import io.flywheel.content.ContentDocument;
import io.flywheel.content.ContentFiles;
import io.flywheel.content.ContentGenerator;
import io.flywheel.content.ContentHit;
import io.flywheel.content.ContentIndex;
import io.flywheel.content.ContentIndexing;
import io.flywheel.content.ContentPlan;
import io.flywheel.content.ContentQuery;
import io.flywheel.content.ContentRefusedException;
import io.flywheel.content.ContentSearch;
import io.flywheel.content.CopyLocale;
import io.flywheel.content.GeneratorChoice;
import io.flywheel.content.LlmGenerator;
import io.flywheel.content.MiniLmEmbedder;
import io.flywheel.content.ShopPolicy;
import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.JsonLinesWriter;
import io.flywheel.core.Product;
import io.flywheel.core.SafetyVerdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel content}: generate copy, check it, index it in Elasticsearch, search it. */
@Command(
    name = "content",
    mixinStandardHelpOptions = true,
    description =
        "Marketing copy: generate it from the catalogue (templates), check it before anyone sees"
            + " it, index products and approved copy in Elasticsearch, search them.",
    subcommands = {
      ContentCommand.Generate.class,
      ContentCommand.Check.class,
      ContentCommand.Index.class,
      ContentCommand.Search.class
    })
final class ContentCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand FlywheelCli root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Path contentDir(FlywheelCli root) throws IOException {
    return Files.createDirectories(root.home().resolve("content"));
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description =
          "Write copy for every product (templates: each variant around one message angle, only"
              + " catalogue and measured facts) to a JSON-lines file, pending the checks.")
  static final class Generate implements Callable<Integer> {
    @ParentCommand ContentCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--products", required = true, description = "Catalogue (products.jsonl).")
    Path productsFile;

    @Option(
        names = "--events",
        description = "Behaviour stream: measures bestsellers (the only social proof allowed).")
    Path eventsFile;

    @Option(
        names = "--kinds",
        split = ",",
        description =
            "Kinds (default: product_description, ad_copy, email, banner_text, seo_description).")
    List<String> kinds;

    @Option(
        names = "--locales",
        split = ",",
        defaultValue = "en-US,zh-CN",
        description = "Locales (default: ${DEFAULT-VALUE}).")
    List<String> locales;

    @Option(
        names = "--segments",
        split = ",",
        defaultValue = "all",
        description = "Segments: all, new, returning, vip (default: ${DEFAULT-VALUE}).")
    List<String> segments;

    @Option(names = "--variants", defaultValue = "3", description = "Per slot (default: 3).")
    int variants;

    @Option(names = "--limit", description = "Only the first N products.")
    Integer limit;

    @Option(names = "--seed", defaultValue = "7", description = "Seed (default: 7).")
    long seed;

    @Option(names = "--campaign", description = "Campaign id the copy is written for.")
    String campaign;

    @Option(names = "--brief", description = "The marketer's brief (some requests are refused).")
    String brief;

    @Option(
        names = "--generator",
        description =
            "templates or llm (default: llm when LLM_BASE_URL is set, else templates); the LLM"
                + " falls back to the templates request by request.")
    String generator;

    @Option(
        names = "--llm-max-calls",
        defaultValue = "10000",
        description = "Budget: model calls at most (default: ${DEFAULT-VALUE}).")
    long llmMaxCalls;

    @Option(
        names = "--llm-max-tokens",
        defaultValue = "5000000",
        description = "Budget: tokens at most (default: ${DEFAULT-VALUE}).")
    long llmMaxTokens;

    @Option(names = "--out", description = "Output (default: HOME/content/generated.jsonl).")
    Path out;

    @Override
    public Integer call() throws Exception {
      InputFiles.require(spec.commandLine(), "--products", productsFile);
      if (eventsFile != null) {
        InputFiles.require(spec.commandLine(), "--events", eventsFile);
      }
      List<ContentKind> kindList = new ArrayList<>();
      for (String k : kinds == null ? List.<String>of() : kinds) {
        kindList.add(ContentKind.fromWire(k.trim(), "--kinds"));
      }
      if (kindList.isEmpty()) {
        kindList.addAll(ContentPlan.everything(1).kinds());
      }
      List<CopyLocale> localeList = new ArrayList<>();
      for (String l : locales) {
        localeList.add(CopyLocale.fromTag(l.trim(), "--locales"));
      }
      ContentPlan plan = new ContentPlan(kindList, localeList, segments, variants, campaign, brief);
      List<Product> products = ContentFiles.products(productsFile);
      if (limit != null) {
        products = products.subList(0, Math.min(limit, products.size()));
      }
      CatalogFacts catalog = ContentFiles.catalog(products, eventsFile, null);
      PrintWriter stdout = spec.commandLine().getOut();
      Path target = out != null ? out : contentDir(parent.root).resolve("generated.jsonl");
      ContentGenerator copywriter =
          GeneratorChoice.create(
              generator,
              "--generator",
              parent.root.config(),
              seed,
              ShopPolicy.defaults(),
              new LlmGenerator.Budget(llmMaxCalls, llmMaxTokens),
              line -> spec.commandLine().getErr().println(line));
      List<ContentItem> items;
      long started = System.nanoTime();
      try (ProgressBar bar =
          ProgressBars.create(
              "generate",
              " requests",
              1,
              plan.size(products.size()),
              spec.commandLine().getErr())) {
        items = plan.generate(copywriter, catalog.all(), bar::stepTo);
      } catch (ContentRefusedException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 1;
      }
      try (JsonLinesWriter<ContentItem> writer = JsonLinesWriter.create(target, Codecs.CONTENT)) {
        items.forEach(writer::write);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      stdout.printf(
          Locale.ROOT,
          "wrote %,d items for %,d products (%s) to %s in %.1f s (%,.0f items/s)%n",
          items.size(),
          products.size(),
          String.join(", ", localeList.stream().map(CopyLocale::tag).toList()),
          target,
          seconds,
          items.size() / Math.max(seconds, 1e-3));
      if (copywriter instanceof LlmGenerator llm) {
        LlmGenerator.Usage u = llm.usage();
        stdout.printf(
            Locale.ROOT,
            "  llm: %,d calls, %,d tokens, %,d items by the model, %,d requests fell back to the"
                + " templates%n",
            u.calls(),
            u.tokens(),
            u.modelItems(),
            u.fallbacks());
      }
      return 0;
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Check a JSON-lines file of copy (facts, banned claims, social proof, length, language,"
              + " near-duplicates, readability): approved items go to HOME/content/approved.jsonl,"
              + " the rest, with their reasons, to HOME/content/held.jsonl.")
  static final class Check implements Callable<Integer> {
    @ParentCommand ContentCommand parent;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Copy to check (JSON lines).")
    Path file;

    @Option(names = "--products", required = true, description = "Catalogue (products.jsonl).")
    Path productsFile;

    @Option(names = "--events", description = "Behaviour stream (evidence for sales claims).")
    Path eventsFile;

    @Option(names = "--banned", description = "The shop's banned phrases, one per line.")
    Path banned;

    @Option(names = "--no-embeddings", description = "Skip the embedding duplicate check.")
    boolean noEmbeddings;

    @Option(names = "--json", description = "One JSON line per item: verdict and reasons.")
    boolean json;

    @Option(names = "--out", description = "Where approved.jsonl and held.jsonl go.")
    Path outDir;

    @Override
    public Integer call() throws Exception {
      InputFiles.require(spec.commandLine(), "FILE", file);
      InputFiles.require(spec.commandLine(), "--products", productsFile);
      if (eventsFile != null) {
        InputFiles.require(spec.commandLine(), "--events", eventsFile);
      }
      ClaimRules rules = banned == null ? ClaimRules.defaults() : ClaimRules.load(banned);
      List<ContentItem> items = ContentFiles.items(file);
      CatalogFacts catalog =
          ContentFiles.catalog(ContentFiles.products(productsFile), eventsFile, null);
      ContentChecks checks =
          new ContentChecks(
              catalog, ShopPolicy.defaults(), rules, noEmbeddings ? null : MiniLmEmbedder.shared());
      List<CheckResult> results = new ArrayList<>(items.size());
      long started = System.nanoTime();
      try (ProgressBar bar =
          ProgressBars.create("check", " items", 1, items.size(), spec.commandLine().getErr())) {
        for (int from = 0; from < items.size(); from += ContentIndexing.BATCH) {
          results.addAll(
              checks.checkAll(
                  items.subList(from, Math.min(items.size(), from + ContentIndexing.BATCH))));
          bar.stepTo(results.size());
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      Path dir = outDir != null ? Files.createDirectories(outDir) : contentDir(parent.root);
      CheckedCopy.write(dir, results);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        for (CheckResult r : results) {
          out.println(JSON.writeValueAsString(CheckedCopy.verdict(r, false)));
        }
      } else {
        CheckSummary summary = CheckSummary.of(results);
        out.printf(
            Locale.ROOT,
            "checked %,d items in %.1f s (%,.0f items/s): %,d approved, %,d need review, %,d"
                + " rejected%n",
            results.size(),
            seconds,
            results.size() / Math.max(seconds, 1e-3),
            summary.count(SafetyVerdict.APPROVED),
            summary.count(SafetyVerdict.NEEDS_REVIEW),
            summary.count(SafetyVerdict.REJECTED));
        summary.byReason().forEach((reason, n) -> out.printf("  %-22s %,d%n", reason, n));
        out.println("  approved: " + dir.resolve("approved.jsonl"));
        out.println("  held (with reasons): " + dir.resolve("held.jsonl"));
      }
      return 0;
    }
  }

  @Command(
      name = "index",
      mixinStandardHelpOptions = true,
      description =
          "Rebuild the content index: products and approved copy, embedded, loaded into a new"
              + " index that replaces the live one only when complete.")
  static final class Index implements Callable<Integer> {
    @ParentCommand ContentCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--products", required = true, description = "Catalogue (products.jsonl).")
    Path productsFile;

    @Option(names = "--copy", description = "Approved copy (default: HOME/content/approved.jsonl).")
    Path copyFile;

    @Override
    public Integer call() throws Exception {
      InputFiles.require(spec.commandLine(), "--products", productsFile);
      Path copy = copyFile != null ? copyFile : contentDir(parent.root).resolve("approved.jsonl");
      InputFiles.require(spec.commandLine(), "--copy", copy, "run `flywheel content check` first");
      List<Product> products = ContentFiles.products(productsFile);
      List<ContentItem> items = ContentFiles.items(copy);
      long skipped =
          items.stream().filter(i -> i.safetyVerdict() != SafetyVerdict.APPROVED).count();
      CatalogFacts catalog = ContentFiles.catalog(products, null, null);
      PrintWriter err = spec.commandLine().getErr();
      List<ContentDocument> docs;
      long total = products.size() + items.size() - skipped;
      try (ProgressBar bar = ProgressBars.create("embed", " docs", 1, total, err)) {
        docs =
            ContentIndexing.documents(
                products, items, catalog, MiniLmEmbedder.shared(), bar::stepTo);
      }
      PrintWriter out = spec.commandLine().getOut();
      try (ContentEngine engine =
              ContentEngine.open(parent.root.home(), parent.root.config(), err);
          ProgressBar bar = ProgressBars.create("index", " docs", 1, docs.size(), err)) {
        ContentIndex.Rebuild r = engine.index().rebuild(docs, bar::stepTo);
        bar.stepTo(r.indexed());
        out.printf(
            Locale.ROOT,
            "indexed %,d documents (%,d products, %,d approved items; %,d not approved left out)"
                + " into %s in %.1f s (%,.0f docs/s); alias %s now points at it%n",
            r.indexed(),
            products.size(),
            docs.size() - products.size(),
            skipped,
            r.index(),
            r.millis() / 1000.0,
            r.indexed() / Math.max(r.millis() / 1000.0, 1e-3),
            ContentIndex.ALIAS);
      }
      return 0;
    }
  }

  @Command(
      name = "search",
      mixinStandardHelpOptions = true,
      description =
          "Search products and approved copy: keywords (BM25) and meaning (kNN on embeddings),"
              + " fused; personalised by a shopper's category affinities with --user.")
  static final class Search implements Callable<Integer> {
    @ParentCommand ContentCommand parent;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "QUERY", description = "What to look for.")
    String query;

    @Option(names = "--locale", description = "en-US or zh-CN (default: the query's language).")
    String locale;

    @Option(names = "--kind", description = "A content kind, or product (default: everything).")
    String kind;

    @Option(names = "--user", description = "Personalise for this shopper.")
    String user;

    @Option(names = "--k", defaultValue = "10", description = "Results (default: 10).")
    int k;

    @Option(
        names = "--mode",
        defaultValue = "hybrid",
        description = "hybrid, bm25 or knn (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--json", description = "One JSON line per result.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      ContentQuery.SearchMode searchMode;
      try {
        searchMode = ContentQuery.SearchMode.valueOf(mode.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--mode: expected hybrid, bm25 or knn, got '" + mode + "'");
      }
      if (kind != null && !kind.equals(ContentDocument.PRODUCT)) {
        ContentKind.fromWire(kind, "--kind");
      }
      ContentQuery q =
          new ContentQuery(
              query,
              locale == null ? null : CopyLocale.fromTag(locale, "--locale"),
              kind,
              user,
              k,
              searchMode);
      PrintWriter out = spec.commandLine().getOut();
      Path home = parent.root.home();
      try (ContentEngine engine =
          ContentEngine.open(home, parent.root.config(), spec.commandLine().getErr())) {
        ContentSearch search =
            new ContentSearch(
                engine.index(),
                MiniLmEmbedder.shared(),
                ContentEngine.affinities(home, parent.root.config()));
        List<ContentHit> hits = search.search(q);
        for (int i = 0; i < hits.size(); i++) {
          ContentHit h = hits.get(i);
          if (json) {
            out.println(JSON.writeValueAsString(h));
          } else {
            out.printf(
                Locale.ROOT,
                "%2d. %-8s %-18s %-6s %s | %s%n",
                i + 1,
                h.type(),
                h.kind() == null ? "-" : h.kind(),
                h.locale(),
                h.title(),
                h.body().length() > 80 ? h.body().substring(0, 80) + "..." : h.body());
          }
        }
        if (hits.isEmpty() && !json) {
          out.println("no results");
        }
      }
      return 0;
    }
  }
}
