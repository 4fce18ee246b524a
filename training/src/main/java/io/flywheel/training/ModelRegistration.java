package io.flywheel.training;

import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.registry.TrackedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Registered models of Flywheel's targets and the alias policy: a finished run becomes a new
 * version with its lineage tags; the first version of a model is {@code champion}, later ones
 * {@code challenger} until a rollout promotes them.
 */
public final class ModelRegistration {
  public static final String MODEL_PREFIX = "flywheel-";

  /** A registered version and the alias it was given. */
  public record Registered(ModelVersionInfo version, String alias, boolean reused) {}

  private ModelRegistration() {}

  /** The registered model (and MLflow experiment) of a target: {@code flywheel-ctr}. */
  public static String registeredName(PredictionTarget target) {
    return MODEL_PREFIX + target.modelName();
  }

  /**
   * Registers a finished run as a new version with lineage tags (or finds the version already
   * registered from it).
   */
  public static Registered register(ModelRegistry registry, String runId) {
    TrackedRun run = registry.run(runId);
    String name = MODEL_PREFIX + run.tags().get("flywheel.target");
    Optional<ModelVersionInfo> earlier =
        registry.versions(name).stream().filter(v -> v.runId().equals(runId)).findFirst();
    if (earlier.isPresent()) {
      return new Registered(earlier.get(), null, true);
    }
    Map<String, String> versionTags = new LinkedHashMap<>();
    run.tags()
        .forEach(
            (k, v) -> {
              if (k.startsWith("flywheel.")) {
                versionTags.put(k, v);
              }
            });
    versionTags.put("flywheel.run_id", runId);
    ModelVersionInfo version = registry.register(name, run, "model", versionTags);
    String alias = nextAlias(registry, name);
    registry.setAlias(name, alias, version.version());
    return new Registered(registry.version(name, version.version()), alias, false);
  }

  /** {@code champion} for a model's first version, {@code challenger} after that. */
  static String nextAlias(ModelRegistry registry, String name) {
    return registry.aliased(name, ModelRegistry.CHAMPION).isEmpty()
        ? ModelRegistry.CHAMPION
        : ModelRegistry.CHALLENGER;
  }

  /** The champion's model files, if one is registered. */
  public static Optional<ScoringModel> champion(ModelRegistry registry, String name)
      throws Exception {
    Optional<ModelVersionInfo> champion = registry.aliased(name, ModelRegistry.CHAMPION);
    if (champion.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(load(registry, champion.get()));
  }

  /** A registered version's model, downloaded from the registry. */
  public static ScoringModel load(ModelRegistry registry, ModelVersionInfo version)
      throws Exception {
    Path dir = Files.createTempDirectory("flywheel-model-");
    registry.download(version, dir.resolve("model"));
    return ScoringModel.load(dir.resolve("model"));
  }
}
