package io.flywheel.console;

import io.flywheel.benchmarks.DeliveryLoad;
import io.flywheel.core.Codecs;
import io.flywheel.core.DurationText;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.Product;
import io.flywheel.core.User;
import io.flywheel.delivery.DeliveryServer;
import io.flywheel.delivery.DeliveryService;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.workflows.HomeDelivery;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel bench-delivery}: the delivery API under a fixed request rate, everything embedded
 * in this process (RocksDB features, the inference server with the home's deployed ranker, a local
 * Elasticsearch with its content index): latency percentiles, errors and fallbacks.
 */
@Command(
    name = "bench-delivery",
    mixinStandardHelpOptions = true,
    description =
        "Load the delivery API at a fixed rate (open loop) on a home that has a world, features,"
            + " a deployed ranker and a content index (what `flywheel demo` leaves in HOME/demo);"
            + " prints p50/p95/p99, errors and fallbacks.")
final class BenchDeliveryCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Mixin private OutputOptions output;

  @Option(
      names = "--from",
      paramLabel = "DIR",
      description = "The home to serve (default: HOME/demo, as `flywheel demo` leaves it).")
  private Path from;

  @Option(
      names = "--rps",
      defaultValue = "200",
      description = "Requests per second (default: ${DEFAULT-VALUE}).")
  private int rps;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      description = "How long to load, after a warm-up (default: ${DEFAULT-VALUE}).")
  private String duration;

  @Option(
      names = "--warmup",
      defaultValue = "30s",
      description =
          "Load before measuring, so the JIT has compiled the hot paths (default:"
              + " ${DEFAULT-VALUE}).")
  private String warmup;

  @Option(
      names = "--candidates",
      defaultValue = "300",
      description = "Product-and-copy pairs scored per request (default: ${DEFAULT-VALUE}).")
  private int candidates;

  @Option(
      names = "--outages",
      description =
          "Stop and restart the inference server (10%-30% of the run) and Elasticsearch"
              + " (50%-70%) while the load runs.")
  private boolean outages;

  @Option(names = "--k", defaultValue = "10", description = "Items per answer (default: 10).")
  private int k;

  @Option(
      names = "--search-share",
      defaultValue = "0.1",
      description = "Share of requests that are searches (default: ${DEFAULT-VALUE}).")
  private double searchShare;

  @Override
  public Integer call() throws Exception {
    Path home = from != null ? from : root.home().resolve("demo");
    if (!Files.isRegularFile(home.resolve(ShopCatalog.HOME_FILE))
        || !Files.isRegularFile(home.resolve("world").resolve("users.jsonl"))) {
      throw new ParameterException(
          spec.commandLine(),
          "--from "
              + home
              + ": no world and catalogue there (run `flywheel demo`, or name a home that has"
              + " simulated, run features and deployed a ranker)");
    }
    if (rps < 1 || rps > 5_000) {
      throw new ParameterException(spec.commandLine(), "--rps: 1 to 5000, got " + rps);
    }
    Duration measured = parse("--duration", duration);
    Duration warm = parse("--warmup", warmup);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> paths = requests(home);
    try (BenchServers servers = BenchServers.start(home, root.config());
        FeatureStore store = root.featureStore(home);
        DeliveryService service =
            HomeDelivery.build(
                home,
                root.config(),
                store,
                servers.client(),
                servers.elasticsearchUrl(),
                HomeDelivery.DEFAULT_MODEL,
                HomeDelivery.shopContent(home),
                DeliveryService.Settings.defaults().withCandidates(candidates),
                err);
        DeliveryServer server = DeliveryServer.start(service, null, "127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + server.port();
      if (output.showProgress()) {
        err.printf(Locale.ROOT, "warm-up: %s at %d requests/s%n", warmup, rps);
        err.flush();
      }
      DeliveryLoad.run(base, paths, rps, warm, n -> {});
      long heapBefore = heapAfterGc();
      long total = rps * measured.toSeconds();
      Thread chaos = outages ? outages(servers, measured, err) : null;
      DeliveryLoad.Result result =
          DeliveryLoad.run(
              base,
              paths,
              rps,
              measured,
              n -> {
                if (output.showProgress()) {
                  err.printf(
                      Locale.ROOT,
                      "  %,d / %,d requests sent (%.0f%%)%n",
                      n,
                      total,
                      100.0 * n / Math.max(1, total));
                  err.flush();
                }
              });
      if (chaos != null) {
        chaos.join();
      }
      long heapAfter = heapAfterGc();
      if (output.json()) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outages", outages);
        body.put("heapAfterGcBeforeMb", heapBefore >> 20);
        body.put("heapAfterGcAfterMb", heapAfter >> 20);
        body.put("home", home.toString());
        body.put("candidatesPerRequest", candidates);
        body.put("k", k);
        body.put("result", result);
        out.println(TrainCommand.JSON.writeValueAsString(body));
      } else {
        print(out, result);
        out.printf(
            Locale.ROOT,
            "  heap after GC: %,d MB before the run, %,d MB after%s%n",
            heapBefore >> 20,
            heapAfter >> 20,
            outages ? " (inference server stopped 10%-30% of the run, Elasticsearch 50%-70%)" : "");
      }
      out.flush();
    }
    return 0;
  }

  /**
   * Stops the inference server for the second fifth of the run and Elasticsearch for the fourth,
   * starting each again where it was.
   */
  private static Thread outages(BenchServers servers, Duration run, PrintWriter err) {
    long ms = run.toMillis();
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(ms / 10);
                err.println("outage: inference server stopped");
                err.flush();
                servers.stopInference();
                Thread.sleep(ms / 5);
                servers.startInference();
                err.println("outage: inference server started again");
                err.flush();
                Thread.sleep(ms / 5);
                err.println("outage: Elasticsearch stopped");
                err.flush();
                servers.stopIndex();
                Thread.sleep(ms / 5);
                servers.startIndex();
                err.println("outage: Elasticsearch started again");
                err.flush();
              } catch (Exception e) {
                err.println("outage schedule failed: " + e);
                err.flush();
              }
            },
            "bench-outages");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static long heapAfterGc() {
    System.gc();
    var heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return heap.getUsed();
  }

  private Duration parse(String option, String text) {
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }

  /** Home-slot requests for the world's shoppers, and searches for words of product titles. */
  private List<String> requests(Path home) throws java.io.IOException {
    List<User> users = new ArrayList<>();
    JsonLinesReader.forEach(home.resolve("world").resolve("users.jsonl"), Codecs.USERS, users::add);
    List<Product> products = new ArrayList<>(ShopCatalog.ofHome(home).products());
    products.sort(java.util.Comparator.comparing(Product::id));
    Random random = new Random(17);
    List<String> paths = new ArrayList<>(5_000);
    for (int i = 0; i < 5_000; i++) {
      String user = users.get(random.nextInt(users.size())).id();
      if (random.nextDouble() < searchShare && !products.isEmpty()) {
        String[] words = products.get(random.nextInt(products.size())).title().split(" ");
        String q = words[words.length - 1];
        paths.add(
            "/v1/recommendations?slot=search&k="
                + k
                + "&userId="
                + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&q="
                + URLEncoder.encode(q, StandardCharsets.UTF_8));
      } else {
        paths.add(
            "/v1/recommendations?slot=home&k="
                + k
                + "&userId="
                + URLEncoder.encode(user, StandardCharsets.UTF_8));
      }
    }
    return paths;
  }

  private void print(PrintWriter out, DeliveryLoad.Result r) {
    out.printf(
        Locale.ROOT,
        "delivery at %d requests/s for %.0f s: %,d sent, %,d answered (%.1f/s achieved), %,.0f"
            + " candidates scored per request%n",
        r.rps(),
        r.seconds(),
        r.sent(),
        r.answered(),
        r.achievedRps(),
        r.meanCandidates());
    out.printf(
        Locale.ROOT,
        "  latency from due time  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms   (target"
            + " p99 <= 30 ms)%n",
        r.latencyMillis().getOrDefault("p50", Double.NaN),
        r.latencyMillis().getOrDefault("p95", Double.NaN),
        r.latencyMillis().getOrDefault("p99", Double.NaN),
        r.latencyMillis().getOrDefault("max", Double.NaN));
    out.printf(
        Locale.ROOT,
        "  server time            p50 %.1f ms  p95 %.1f ms  p99 %.1f ms%n",
        r.serverMillis().getOrDefault("p50", Double.NaN),
        r.serverMillis().getOrDefault("p95", Double.NaN),
        r.serverMillis().getOrDefault("p99", Double.NaN));
    out.println(
        "  errors " + r.errors() + ", 5xx " + r.fiveHundreds() + ", fallbacks " + r.fallbacks());
    out.println("  the slowest 5% of answers spent (mean ms) " + r.slowestStageMillis());
  }
}
