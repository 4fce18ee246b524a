package io.flywheel.webconsole;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.content.ContentReview;
import io.flywheel.core.LocalServices;
import io.flywheel.core.ServiceHealth;
import io.flywheel.experiments.ExperimentCatalog;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.registry.RegisteredModelInfo;
import io.flywheel.workflows.Pipelines;
import io.flywheel.workflows.RunState;
import io.flywheel.workflows.TaskState;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The overview: services and their health, champions, latest runs, what needs a person. */
final class OverviewPages {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Champion(
      String model, Integer version, String alias, String runId, Map<String, Double> figures) {}

  record Attention(String what, String link, String label) {}

  record Overview(
      List<ServiceHealth.Checked> services,
      List<Champion> champions,
      List<Pipelines.RunRecord> runs,
      List<ExperimentCatalog.Entry> experiments,
      List<Attention> attention) {}

  /** Services' health, asked at most every few seconds: the overview must not wait on it. */
  private static final long HEALTH_TTL_NANOS = 5_000_000_000L;

  private record Checked(long at, List<ServiceHealth.Checked> services) {}

  private volatile Checked checked;
  private final Sources sources;
  private final Views views;

  OverviewPages(Sources sources, Views views) {
    this.sources = sources;
    this.views = views;
  }

  void register(Javalin app) {
    app.get("/", this::overview);
  }

  private void overview(Context ctx) throws IOException {
    List<Pipelines.RunRecord> runs = Pipelines.recordedRuns(sources.home());
    List<Attention> attention = new ArrayList<>();
    Map<String, io.flywheel.workflows.PipelineSpec> specs =
        io.flywheel.workflows.Orchestration.pipelineSpecs(sources.home());
    for (Pipelines.RunRecord r : runs) {
      RunState s = r.lastState();
      if (s == null || s.ended() || s.tasks() == null) {
        continue;
      }
      s.tasks()
          .forEach(
              (task, t) -> {
                if (t.state() == TaskState.RUNNING && isApproval(specs.get(r.pipeline()), task)) {
                  attention.add(
                      new Attention(
                          "Approval waiting: "
                              + r.pipeline()
                              + " "
                              + r.logicalDate()
                              + " / "
                              + task,
                          "/pipelines/runs/" + r.runId(),
                          "approve"));
                }
              });
    }
    long toReview =
        new ContentReview(sources.home())
            .held().stream().filter(ContentReview.HeldItem::awaitingReview).count();
    if (toReview > 0) {
      attention.add(
          new Attention(toReview + " pieces of copy wait for review", "/content", "review"));
    }
    attention.addAll(sampleRatioWarnings());
    List<ExperimentCatalog.Entry> experiments = new ExperimentCatalog(sources.home()).list();
    views.page(
        ctx,
        "overview.jte",
        "Overview",
        "overview",
        new Overview(
            services(),
            champions(),
            runs.subList(0, Math.min(10, runs.size())),
            experiments,
            attention));
  }

  private static boolean isApproval(io.flywheel.workflows.PipelineSpec spec, String task) {
    return spec != null
        && spec.tasks().stream().anyMatch(t -> t.id().equals(task) && t.type().equals("approval"));
  }

  /** The home's services (as `flywheel up` published them), each asked for its health at once. */
  private List<ServiceHealth.Checked> services() {
    Checked last = checked;
    if (last != null && System.nanoTime() - last.at() < HEALTH_TTL_NANOS) {
      return last.services();
    }
    List<ServiceHealth.Checked> now =
        LocalServices.of(sources.home())
            .map(r -> ServiceHealth.check(r.services(), Duration.ofSeconds(1)))
            .orElse(List.of());
    checked = new Checked(System.nanoTime(), now);
    return now;
  }

  /** Each registered model's champion (else its newest version) with its run's headline figures. */
  private List<Champion> champions() {
    ModelRegistry registry = sources.registry();
    List<Champion> out = new ArrayList<>();
    for (RegisteredModelInfo m : registry.models()) {
      Integer version = m.aliases().get("champion");
      String alias = "champion";
      if (version == null) {
        version = m.latestVersion() > 0 ? m.latestVersion() : null;
        alias = "latest";
      }
      String runId = null;
      Map<String, Double> figures = new LinkedHashMap<>();
      if (version != null) {
        ModelVersionInfo v = registry.version(m.name(), version);
        runId = v.runId();
        if (runId != null && !runId.isBlank()) {
          registry.runSummary(runId).metrics().entrySet().stream()
              .filter(e -> !e.getKey().contains("_ci_") && !e.getKey().startsWith("train_"))
              .limit(4)
              .forEach(e -> figures.put(e.getKey(), e.getValue()));
        }
      }
      out.add(new Champion(m.name(), version, alias, runId, figures));
    }
    return out;
  }

  /** Experiments whose latest tracked analysis found a sample-ratio mismatch. */
  private List<Attention> sampleRatioWarnings() throws IOException {
    Path dir = sources.home().resolve("experiments").resolve("analyses");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    Map<String, Path> latest = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(f -> f.toString().endsWith(".json"))
          .sorted(Comparator.comparing(Path::toString))
          .forEach(
              f -> latest.put(f.getFileName().toString().replaceFirst("-\\d+\\.json$", ""), f));
    }
    List<Attention> out = new ArrayList<>();
    for (Map.Entry<String, Path> e : latest.entrySet()) {
      JsonNode daily = JSON.readTree(e.getValue().toFile());
      JsonNode last = daily.isArray() && daily.size() > 0 ? daily.get(daily.size() - 1) : null;
      if (last != null && last.path("sampleRatioMismatch").asBoolean()) {
        out.add(
            new Attention(
                "Sample ratio mismatch in experiment " + e.getKey() + ": its decision is blocked",
                "/ab/" + e.getKey(),
                "SRM"));
      }
    }
    return out;
  }
}
