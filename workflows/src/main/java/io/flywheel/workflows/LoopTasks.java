package io.flywheel.workflows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.content.LocalElasticsearch;
import io.flywheel.core.FlywheelConfig;
import io.flywheel.core.LiveOptions;
import io.flywheel.core.LivePolicy;
import io.flywheel.core.LiveSummary;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.WorldConfig;
import io.flywheel.delivery.DeliveryServer;
import io.flywheel.delivery.DeliveryService;
import io.flywheel.featurestore.FeatureStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code live-traffic} task of the {@code learn-loop} pipeline: one simulated day of the home's
 * world whose shoppers are answered by this home's delivery API (its deployed ranker, features and
 * copy), with the day's value against the oracle and popularity. The day's events join {@code
 * HOME/live/events.jsonl} (the world's history, then each served day), which the next {@code
 * features} task replays, so the next model learns from what delivery showed.
 */
final class LoopTasks {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LoopTasks() {}

  static void addTo(TaskCatalog catalog, Path home, FlywheelConfig config) {
    catalog.add(
        new TaskType(
            "live-traffic",
            TaskType.SERVING_QUEUE,
            java.util.List.of("seed", "users", "products", "horizon", "day"),
            TaskType.LONG_TASK_HEARTBEAT_TIMEOUT,
            ctx -> liveTraffic(home, config, ctx)));
  }

  /** Where the loop keeps its stream: the world's events, then every served day's. */
  static Path liveEvents(Path home) {
    return home.resolve("live").resolve("events.jsonl");
  }

  static Map<String, String> liveTraffic(Path home, FlywheelConfig config, TaskContext ctx)
      throws Exception {
    int day = number(ctx, "day");
    SimulationConfig world =
        new SimulationConfig(
            number(ctx, "users"),
            number(ctx, "products"),
            number(ctx, "horizon"),
            Long.parseLong(ctx.param("seed").trim()),
            Double.parseDouble(ctx.params().getOrDefault("dirty", "0.01")),
            WorldConfig.defaults());
    Path liveDir = home.resolve("live");
    Path dayDir = liveDir.resolve("day-" + day);
    Path summaryFile = dayDir.resolve(MarketplaceSimulator.LIVE_FILE);
    LiveSummary live;
    if (Files.isRegularFile(summaryFile)) {
      // A retried task finds the day it already served.
      live = JSON.readValue(summaryFile.toFile(), LiveSummary.class);
    } else {
      live = serveDay(home, config, world, day, dayDir, ctx);
    }
    appendOnce(home, dayDir);
    LocalDate date =
        world.world().startInstant().atZone(ZoneOffset.UTC).toLocalDate().plusDays(day);
    Map<String, String> out = new LinkedHashMap<>();
    out.put("events", liveEvents(home).toString());
    out.put("date", date.toString());
    // Labels look a purchase window (24 h) ahead, so the served day's impressions cannot be
    // labelled yet, while the day before it now can: the next features task replays both.
    out.put("previous_date", date.minusDays(1).toString());
    out.put("requests", Long.toString(live.requests()));
    out.put("fallback_requests", Long.toString(live.fallbackRequests()));
    out.put("purchases_per_1000", format(live.purchasesPer1000().policy()));
    out.put("oracle_purchases_per_1000", format(live.purchasesPer1000().oracle()));
    out.put("popularity_purchases_per_1000", format(live.purchasesPer1000().popularity()));
    out.put("ceiling_purchases_per_1000", format(live.purchasesPer1000().ceiling()));
    out.put("clicks_per_1000", format(live.clicksPer1000().policy()));
    out.put("policy_to_oracle", live.policyToOracle() == null ? "" : format(live.policyToOracle()));
    out.put(
        "policy_to_popularity",
        live.policyToPopularity() == null ? "" : format(live.policyToPopularity()));
    return out;
  }

  private static LiveSummary serveDay(
      Path home,
      FlywheelConfig config,
      SimulationConfig world,
      int day,
      Path dayDir,
      TaskContext ctx)
      throws Exception {
    String running = HomeDelivery.elasticsearchUrl(home, config);
    // Every round is served as the first was: with the home's content index. When no node runs
    // (the demo's `up` has ended), the home's own is started for the day.
    LocalElasticsearch node =
        running == null && hasIndex(home)
            ? LocalElasticsearch.start(home.resolve("elasticsearch"), 0, 512, line -> {})
            : null;
    String es = node != null ? node.url() : running;
    StringWriter wiring = new StringWriter();
    try (LocalElasticsearch owned = node;
        ModelDeployment deployment = ModelDeployment.open(home, config);
        FeatureStore store = FeatureStore.open(home, config.redisUrl());
        DeliveryService service =
            HomeDelivery.build(
                home,
                config,
                store,
                deployment.client(),
                es,
                HomeDelivery.DEFAULT_MODEL,
                HomeDelivery.shopContent(home),
                DeliveryService.Settings.defaults(),
                new PrintWriter(wiring));
        DeliveryServer server = DeliveryServer.start(service, null, "127.0.0.1", 0);
        LivePolicy policy =
            LivePolicy.http(
                URI.create("http://127.0.0.1:" + server.port()), null, Duration.ofSeconds(5))) {
      return MarketplaceSimulator.runLive(
          world,
          new LiveOptions(null, policy, day, 0, 1),
          dayDir,
          (hours, total, events) -> ctx.heartbeat("hour " + hours + " of " + total));
    }
  }

  /** Whether the home holds a local content index (what `content index` or the demo built). */
  private static boolean hasIndex(Path home) throws IOException {
    Path dir = home.resolve("elasticsearch");
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isPresent();
    }
  }

  /**
   * Adds the day's events to the loop's stream once: the stream's length before is written down
   * first, so an append cut short is undone on retry instead of doubled.
   */
  private static void appendOnce(Path home, Path dayDir) throws IOException {
    Path events = liveEvents(home);
    Path marker = dayDir.resolve(".appended");
    Path pending = dayDir.resolve(".appending");
    if (Files.exists(marker)) {
      return;
    }
    if (Files.exists(pending) && Files.exists(events)) {
      long before = Long.parseLong(Files.readString(pending).trim());
      try (var channel = java.nio.channels.FileChannel.open(events, StandardOpenOption.WRITE)) {
        channel.truncate(before);
      }
    }
    Files.createDirectories(events.getParent());
    if (!Files.exists(events)) {
      Path staged = events.resolveSibling(".events.jsonl.tmp");
      Files.copy(
          home.resolve("world").resolve("events.jsonl"),
          staged,
          StandardCopyOption.REPLACE_EXISTING);
      Files.move(staged, events, StandardCopyOption.ATOMIC_MOVE);
    }
    // The feature job reads the catalogue beside its events: the world's, arrivals included.
    Files.copy(
        dayDir.resolve(MarketplaceSimulator.PRODUCTS_FILE),
        events.resolveSibling(MarketplaceSimulator.PRODUCTS_FILE),
        StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(pending, Long.toString(Files.size(events)));
    try (var out = Files.newOutputStream(events, StandardOpenOption.APPEND)) {
      Files.copy(dayDir.resolve(MarketplaceSimulator.EVENTS_FILE), out);
    }
    Files.move(pending, marker, StandardCopyOption.ATOMIC_MOVE);
  }

  private static int number(TaskContext ctx, String name) {
    String text = ctx.param(name).trim();
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + text + "' is not a whole number");
    }
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
