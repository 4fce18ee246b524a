package io.flywheel.deploy;

import io.flywheel.deploy.triton.ModelConfigProto.DataType;
import io.flywheel.deploy.triton.ModelConfigProto.ModelConfig;
import io.flywheel.deploy.triton.ModelConfigProto.ModelVersionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * The embedded server's loaded models, under explicit model control: a load reads the model's
 * config and every version its policy names, and only when all of them load does it replace what
 * was serving; a broken config or model file fails the load with the reason and leaves the versions
 * already serving untouched.
 */
final class ModelStore implements AutoCloseable {
  /** Why the last load of a model failed, for the repository index. */
  private final Map<String, String> failures = new ConcurrentHashMap<>();

  private final Map<String, NavigableMap<Integer, LoadedModel>> loaded = new ConcurrentHashMap<>();
  private final ModelRepository repository;

  ModelStore(ModelRepository repository) {
    this.repository = repository;
  }

  ModelRepository repository() {
    return repository;
  }

  synchronized void load(String name) throws ModelLoadException {
    ModelRepository.requireName(name);
    NavigableMap<Integer, LoadedModel> fresh = new TreeMap<>();
    try {
      if (!Files.isDirectory(repository.root().resolve(name))) {
        throw new ModelLoadException(
            true, "no model named '" + name + "' in the repository " + repository.root());
      }
      ModelConfig config = validated(name, repository.readConfig(name));
      for (int version : versionsToServe(name, config)) {
        Path file = repository.modelFile(name, version);
        if (!Files.isRegularFile(file)) {
          throw new ModelLoadException(
              false, "version " + version + " has no " + FilModelConfig.MODEL_FILE);
        }
        Booster booster;
        try {
          booster = XGBoost.loadModel(file.toString());
        } catch (Exception e) {
          throw new ModelLoadException(
              false,
              "version "
                  + version
                  + ": "
                  + FilModelConfig.MODEL_FILE
                  + " is not a loadable XGBoost model: "
                  + e.getMessage());
        }
        int trained = (int) booster.getNumFeature();
        if (trained != config.getInput(0).getDims(0)) {
          booster.dispose();
          throw new ModelLoadException(
              false,
              "version "
                  + version
                  + " was trained on "
                  + trained
                  + " features but input__0 declares "
                  + config.getInput(0).getDims(0));
        }
        // Each instance predicts on its own thread: split the cores between them rather than
        // let every instance start a full OpenMP team on every core.
        int instances =
            config.getInstanceGroupCount() == 0
                ? 1
                : Math.max(1, config.getInstanceGroup(0).getCount());
        booster.setParam(
            "nthread", Math.max(1, Runtime.getRuntime().availableProcessors() / instances));
        fresh.put(version, new LoadedModel(name, version, config, booster));
      }
    } catch (ModelLoadException e) {
      fresh.values().forEach(LoadedModel::close);
      failures.put(name, e.getMessage());
      throw e;
    } catch (IOException | RuntimeException | ml.dmlc.xgboost4j.java.XGBoostError e) {
      fresh.values().forEach(LoadedModel::close);
      failures.put(name, e.getMessage());
      throw new ModelLoadException(false, e.getMessage());
    }
    failures.remove(name);
    NavigableMap<Integer, LoadedModel> previous = loaded.put(name, fresh);
    if (previous != null) {
      previous.values().forEach(LoadedModel::close);
    }
  }

  synchronized boolean unload(String name) {
    NavigableMap<Integer, LoadedModel> previous = loaded.remove(name);
    if (previous != null) {
      previous.values().forEach(LoadedModel::close);
    }
    return previous != null;
  }

  /** The version to serve a request: the named one, or the highest loaded. */
  LoadedModel find(String name, String version) {
    NavigableMap<Integer, LoadedModel> versions = loaded.get(name);
    if (versions == null || versions.isEmpty()) {
      return null;
    }
    if (version == null || version.isEmpty()) {
      return versions.lastEntry().getValue();
    }
    try {
      return versions.get(Integer.parseInt(version));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  List<Integer> loadedVersions(String name) {
    NavigableMap<Integer, LoadedModel> versions = loaded.get(name);
    return versions == null ? List.of() : List.copyOf(versions.keySet());
  }

  Map<String, NavigableMap<Integer, LoadedModel>> all() {
    return Collections.unmodifiableMap(loaded);
  }

  String failure(String name) {
    return failures.get(name);
  }

  private List<Integer> versionsToServe(String name, ModelConfig config)
      throws IOException, ModelLoadException {
    List<Integer> present = repository.versions(name);
    ModelVersionPolicy policy = config.getVersionPolicy();
    List<Integer> chosen = new ArrayList<>();
    switch (policy.getPolicyChoiceCase()) {
      case SPECIFIC -> {
        for (long v : policy.getSpecific().getVersionsList()) {
          if (!present.contains((int) v)) {
            throw new ModelLoadException(
                false, "version_policy names version " + v + ", which has no folder");
          }
          chosen.add((int) v);
        }
      }
      case ALL -> chosen.addAll(present);
      default -> {
        int n = policy.hasLatest() ? Math.max(1, policy.getLatest().getNumVersions()) : 1;
        chosen.addAll(present.subList(Math.max(0, present.size() - n), present.size()));
      }
    }
    if (chosen.isEmpty()) {
      throw new ModelLoadException(false, "no version to serve (version folders: " + present + ")");
    }
    return chosen;
  }

  /** What this server can run: FIL-style XGBoost JSON, FP32 in and out. */
  private static ModelConfig validated(String name, ModelConfig config) throws ModelLoadException {
    if (!config.getName().isEmpty() && !config.getName().equals(name)) {
      throw new ModelLoadException(
          false,
          "config.pbtxt names the model '"
              + config.getName()
              + "' but its folder is '"
              + name
              + "'");
    }
    if (!"fil".equals(config.getBackend())) {
      throw new ModelLoadException(
          false, "backend '" + config.getBackend() + "' is not served " + "here (only fil)");
    }
    String type =
        config
            .getParametersOrDefault(
                "model_type",
                io.flywheel.deploy.triton.ModelConfigProto.ModelParameter.getDefaultInstance())
            .getStringValue();
    if (!"xgboost_json".equals(type)) {
      throw new ModelLoadException(
          false, "model_type '" + type + "' is not served here (only " + "xgboost_json)");
    }
    if (config.getInputCount() != 1
        || !FilModelConfig.INPUT.equals(config.getInput(0).getName())
        || config.getInput(0).getDataType() != DataType.TYPE_FP32
        || config.getInput(0).getDimsCount() != 1
        || config.getInput(0).getDims(0) < 1) {
      throw new ModelLoadException(
          false,
          "expected one input '" + FilModelConfig.INPUT + "' of TYPE_FP32 with dims [features]");
    }
    if (config.getOutputCount() != 1
        || !FilModelConfig.OUTPUT.equals(config.getOutput(0).getName())
        || config.getOutput(0).getDataType() != DataType.TYPE_FP32) {
      throw new ModelLoadException(
          false, "expected one output '" + FilModelConfig.OUTPUT + "' of TYPE_FP32");
    }
    if (config.getMaxBatchSize() < 1) {
      throw new ModelLoadException(false, "max_batch_size must be at least 1");
    }
    // What a real FIL backend would refuse is refused here too (a config good for either
    // generation of releases is served).
    List<String> r24 = FilParameterRules.problems(config, FilParameterRules.Release.R24);
    List<String> r2509 = FilParameterRules.problems(config, FilParameterRules.Release.R25_09);
    if (!r24.isEmpty() && !r2509.isEmpty()) {
      throw new ModelLoadException(false, String.join("; ", r2509));
    }
    return config;
  }

  @Override
  public synchronized void close() {
    loaded.values().forEach(v -> v.values().forEach(LoadedModel::close));
    loaded.clear();
  }

  /** A load that failed; {@code notFound} when the model does not exist at all. */
  static final class ModelLoadException extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean notFound;

    ModelLoadException(boolean notFound, String message) {
      super(message);
      this.notFound = notFound;
    }
  }
}
