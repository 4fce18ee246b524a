package io.flywheel.webconsole;

import io.flywheel.deploy.ModelRollout;
import io.flywheel.deploy.RolloutState;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.registry.RegisteredModelInfo;
import io.flywheel.workflows.ModelDeployment;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Registered models with their versions and aliases, and each model's rollout: the live version,
 * the canary and its share, the rollout's history (errors and latency that decided it); promote a
 * canary or roll it back.
 */
final class ModelPages {
  record Model(
      RegisteredModelInfo info,
      List<ModelVersionInfo> versions,
      RolloutState rollout,
      java.util.Map<String, ServingFigures.Figures> serving,
      java.util.Map<String, Double> contributions) {
    /** What the inference server says version {@code v} has served (null: nothing known). */
    ServingFigures.Figures served(Integer v) {
      return v == null ? null : serving.get(info.name() + "/" + v);
    }

    boolean hasCanary() {
      return rollout != null && rollout.canary() != null;
    }

    List<RolloutState.Event> recentHistory() {
      if (rollout == null) {
        return List.of();
      }
      List<RolloutState.Event> h = new ArrayList<>(rollout.history());
      java.util.Collections.reverse(h);
      return h.subList(0, Math.min(12, h.size()));
    }
  }

  record Models(List<Model> models) {}

  /** Feature contributions by run: artifacts never change, so each is read once. */
  private final java.util.Map<String, java.util.Map<String, Double>> contributions =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Sources sources;
  private final Views views;
  private final ConsoleSessions sessions;

  ModelPages(Sources sources, Views views, ConsoleSessions sessions) {
    this.sources = sources;
    this.views = views;
    this.sessions = sessions;
  }

  void register(Javalin app) {
    app.get("/models", this::models);
    app.post("/models/{model}/promote", ctx -> act(ctx, true));
    app.post("/models/{model}/rollback", ctx -> act(ctx, false));
  }

  private void models(Context ctx) throws IOException {
    // The persisted rollout states only: reading needs no inference server.
    ModelRollout states =
        new ModelRollout(sources.home().resolve("deploy").resolve("rollouts"), null, null, null);
    List<Model> out = new ArrayList<>();
    java.util.Map<String, ServingFigures.Figures> serving = ServingFigures.of(sources.home());
    java.util.Set<String> listed = new java.util.HashSet<>();
    for (RegisteredModelInfo m : sources.registry().models()) {
      List<ModelVersionInfo> versions = sources.registry().versions(m.name());
      RolloutState rollout = states.state(m.name());
      out.add(new Model(m, versions, rollout, serving, contributions(m, versions, rollout)));
      listed.add(m.name());
    }
    // Models deployed without a registry entry (by `flywheel deploy FILE`) still have a rollout.
    for (String model : rolloutModels()) {
      if (listed.add(model)) {
        out.add(
            new Model(
                new RegisteredModelInfo(
                    model, "not in the registry", 0, java.util.Map.of(), java.util.Map.of(), 0),
                List.of(),
                states.state(model),
                serving,
                java.util.Map.of()));
      }
    }
    views.page(ctx, "models.jte", "Models", "models", new Models(out));
  }

  /**
   * The feature contributions (shares of total gain) of the version serving live, else the
   * champion, as its training run logged them ({@code report/importance.json}); empty if none.
   */
  private java.util.Map<String, Double> contributions(
      RegisteredModelInfo m, List<ModelVersionInfo> versions, RolloutState rollout) {
    Integer wanted =
        rollout != null && rollout.live() != null ? rollout.live() : m.aliases().get("champion");
    String runId =
        versions.stream()
            .filter(v -> wanted != null && v.version() == wanted)
            .map(ModelVersionInfo::runId)
            .filter(r -> r != null && !r.isBlank())
            .findFirst()
            .orElse(null);
    if (runId == null) {
      return java.util.Map.of();
    }
    return contributions.computeIfAbsent(runId, this::readContributions);
  }

  private java.util.Map<String, Double> readContributions(String runId) {
    try {
      java.util.Map<String, Double> all =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readValue(
                  sources.registry().run(runId).readArtifact("report/importance.json"),
                  new com.fasterxml.jackson.core.type.TypeReference<
                      java.util.LinkedHashMap<String, Double>>() {});
      java.util.Map<String, Double> top = new java.util.LinkedHashMap<>();
      all.entrySet().stream().limit(10).forEach(e -> top.put(e.getKey(), e.getValue()));
      return top;
    } catch (IOException | RuntimeException none) {
      return java.util.Map.of(); // a run that logged none (older runs, recommenders)
    }
  }

  private List<String> rolloutModels() throws IOException {
    java.nio.file.Path dir = sources.home().resolve("deploy").resolve("rollouts");
    if (!java.nio.file.Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = java.nio.file.Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".json") && !n.startsWith("."))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .sorted()
          .toList();
    }
  }

  private void act(Context ctx, boolean promote) throws IOException {
    sessions.requireAction(ctx);
    String model = ctx.pathParam("model");
    try (ModelDeployment deployment = ModelDeployment.open(sources.home(), sources.config())) {
      if (promote) {
        deployment.rollout().promote(model, "promoted in the web console");
      } else {
        deployment.rollout().rollback(model, "rolled back in the web console");
      }
    } catch (IllegalStateException nothing) {
      throw new ConsoleSessions.Refused(HttpStatus.CONFLICT, nothing.getMessage());
    }
    ctx.redirect("/models#" + model, HttpStatus.SEE_OTHER);
  }
}
