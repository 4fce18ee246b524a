package io.flywheel.workflows;

import io.flywheel.content.ClaimRules;
import io.flywheel.content.ContentCampaign;
import io.flywheel.content.ContentIndexConnection;
import io.flywheel.content.ContentPlan;
import io.flywheel.content.CopyLocale;
import io.flywheel.content.GeneratorChoice;
import io.flywheel.content.LlmGenerator;
import io.flywheel.content.MiniLmEmbedder;
import io.flywheel.content.ShopPolicy;
import io.flywheel.core.ContentKind;
import io.flywheel.core.FlywheelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task types of the {@code content-campaign} pipeline: {@code content-choose}, {@code
 * content-generate}, {@code content-check}, {@code content-embed}, {@code content-index} and {@code
 * content-report}, each one stage of a {@link ContentCampaign} in {@code
 * HOME/content/campaigns/RUN_ID}, so a retried task finds its stage's file and does not redo it.
 */
final class ContentTasks {
  static final String CONTENT_QUEUE = "flywheel-content";
  private static final Logger LOG = LoggerFactory.getLogger(ContentTasks.class);

  private ContentTasks() {}

  static void addTo(TaskCatalog catalog, Path home, FlywheelConfig config) {
    catalog
        .add(
            new TaskType(
                "content-choose",
                TaskType.DEFAULT_QUEUE,
                List.of(),
                false,
                ctx -> {
                  try {
                    return outputs(campaign(home, ctx).choose(brief(home, ctx)));
                  } catch (io.flywheel.content.ContentRefusedException e) {
                    // A refused brief stays refused: no retry.
                    throw new IllegalArgumentException("brief: " + e.getMessage(), e);
                  }
                }))
        .add(
            new TaskType(
                "content-generate",
                CONTENT_QUEUE,
                List.of(),
                TaskType.LONG_TASK_HEARTBEAT_TIMEOUT,
                ctx -> outputs(campaign(home, ctx).generate(generator(config, ctx), n -> {}))))
        .add(
            new TaskType(
                "content-check",
                CONTENT_QUEUE,
                List.of(),
                TaskType.LONG_TASK_HEARTBEAT_TIMEOUT,
                ctx ->
                    outputs(
                        campaign(home, ctx)
                            .check(
                                rules(ctx),
                                flag(ctx, "embeddings", true) ? MiniLmEmbedder.shared() : null,
                                n -> {}))))
        .add(
            new TaskType(
                "content-embed",
                CONTENT_QUEUE,
                List.of(),
                TaskType.LONG_TASK_HEARTBEAT_TIMEOUT,
                ctx -> outputs(campaign(home, ctx).embed(MiniLmEmbedder.shared(), n -> {}))))
        .add(
            new TaskType(
                "content-index",
                CONTENT_QUEUE,
                List.of(),
                TaskType.LONG_TASK_HEARTBEAT_TIMEOUT,
                ctx -> {
                  try (ContentIndexConnection es =
                      ContentIndexConnection.open(
                          home, config, MiniLmEmbedder.shared().dimension(), LOG::info)) {
                    Map<String, String> out = outputs(campaign(home, ctx).index(es.index()));
                    out.put("elasticsearch", es.url());
                    return out;
                  }
                }))
        .add(
            new TaskType(
                "content-report",
                TaskType.DEFAULT_QUEUE,
                List.of(),
                false,
                ctx -> outputs(campaign(home, ctx).report())));
  }

  /** One folder per pipeline run: a re-run of the same run continues where it stopped. */
  private static ContentCampaign campaign(Path home, TaskContext ctx) {
    return new ContentCampaign(home.resolve("content").resolve("campaigns").resolve(ctx.runId()));
  }

  private static ContentCampaign.Brief brief(Path home, TaskContext ctx) {
    String productsParam = text(ctx, "products");
    Path products =
        productsParam.isEmpty()
            ? home.resolve("world").resolve("products.jsonl")
            : Path.of(productsParam);
    if (!Files.isRegularFile(products)) {
      throw new IllegalArgumentException("products: no such file " + products);
    }
    String eventsParam = text(ctx, "events");
    Path events =
        eventsParam.isEmpty() ? products.resolveSibling("events.jsonl") : Path.of(eventsParam);
    if (!Files.isRegularFile(events)) {
      if (!eventsParam.isEmpty()) {
        throw new IllegalArgumentException("events: no such file " + events);
      }
      events = null; // no behaviour yet: no measured bestsellers, so no social proof
    }
    List<ContentKind> kinds = new ArrayList<>();
    for (String k : list(ctx, "kinds")) {
      kinds.add(ContentKind.fromWire(k, "kinds"));
    }
    if (kinds.isEmpty()) {
      kinds.addAll(ContentPlan.everything(1).kinds());
    }
    List<CopyLocale> locales = new ArrayList<>();
    for (String l : list(ctx, "locales")) {
      locales.add(CopyLocale.fromTag(l, "locales"));
    }
    if (locales.isEmpty()) {
      locales.addAll(List.of(CopyLocale.values()));
    }
    String campaignId = text(ctx, "campaign");
    String brief = text(ctx, "brief");
    ContentPlan plan =
        new ContentPlan(
            kinds,
            locales,
            list(ctx, "segments"),
            number(ctx, "variants", 3),
            campaignId.isEmpty() ? ctx.runId() : campaignId,
            brief.isEmpty() ? null : brief);
    return new ContentCampaign.Brief(
        products, events, list(ctx, "categories"), number(ctx, "limit", 50), plan);
  }

  private static io.flywheel.content.ContentGenerator generator(
      FlywheelConfig config, TaskContext ctx) {
    return GeneratorChoice.create(
        text(ctx, "generator"),
        "generator",
        config,
        number(ctx, "seed", 7),
        ShopPolicy.defaults(),
        new LlmGenerator.Budget(
            number(ctx, "max_calls", 10_000), number(ctx, "max_tokens", 5_000_000)),
        LOG::warn);
  }

  private static ClaimRules rules(TaskContext ctx) throws java.io.IOException {
    String banned = text(ctx, "banned");
    if (banned.isEmpty()) {
      return ClaimRules.defaults();
    }
    Path file = Path.of(banned);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("banned: no such file " + file);
    }
    return ClaimRules.load(file);
  }

  private static Map<String, String> outputs(ContentCampaign.Stage stage) {
    Map<String, String> out = new LinkedHashMap<>(stage.figures());
    out.put("count", Long.toString(stage.count()));
    out.put("reused", Boolean.toString(stage.reused()));
    return out;
  }

  private static String text(TaskContext ctx, String name) {
    return ctx.params().getOrDefault(name, "").strip();
  }

  private static List<String> list(TaskContext ctx, String name) {
    return Arrays.stream(text(ctx, name).split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static int number(TaskContext ctx, String name, int fallback) {
    String value = text(ctx, name);
    try {
      return value.isEmpty() ? fallback : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + value + "' is not a whole number");
    }
  }

  private static boolean flag(TaskContext ctx, String name, boolean fallback) {
    String value = text(ctx, name);
    return value.isEmpty() ? fallback : Boolean.parseBoolean(value);
  }
}
