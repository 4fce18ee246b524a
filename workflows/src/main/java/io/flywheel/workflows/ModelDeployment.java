package io.flywheel.workflows;

import io.flywheel.deploy.EmbeddedInferenceServer;
import io.flywheel.deploy.FilModelConfig;
import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.ModelRepository;
import io.flywheel.deploy.ModelRollout;
import io.flywheel.deploy.RolloutState;
import io.flywheel.deploy.ServingMetadata;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * From the registry to serving: a registered version's files become a Triton repository version
 * (XGBoost JSON + Flywheel's metadata) and go through {@link ModelRollout}. The inference server
 * is {@code TRITON_GRPC_ADDRESS} when set (its repository must be the one under
 * {@code HOME/deploy/repository}, or {@code FLYWHEEL_MODEL_REPOSITORY}), else an embedded one
 * started for the command.
 */
public final class ModelDeployment implements AutoCloseable {
  private final Path home;
  private final ModelRepository repository;
  private final EmbeddedInferenceServer embedded;
  private final InferenceClient client;
  private final ModelRollout rollout;

  private ModelDeployment(Path home, ModelRepository repository, EmbeddedInferenceServer embedded,
      InferenceClient client) {
    this.home = home;
    this.repository = repository;
    this.embedded = embedded;
    this.client = client;
    this.rollout = new ModelRollout(home.resolve("deploy").resolve("rollouts"), repository,
        client, embedded == null ? FilModelConfig.Serving.onGpu()
            : FilModelConfig.Serving.onCpu());
  }

  public static Path repositoryRoot(Path home) {
    String env = System.getenv("FLYWHEEL_MODEL_REPOSITORY");
    return env == null || env.isBlank() ? home.resolve("deploy").resolve("repository")
        : Path.of(env);
  }

  /** Connects to Triton, or starts the embedded server on the home's repository. */
  public static ModelDeployment open(Path home) throws IOException {
    ModelRepository repository = new ModelRepository(repositoryRoot(home));
    Files.createDirectories(repository.root());
    String triton = System.getenv("TRITON_GRPC_ADDRESS");
    if (triton != null && !triton.isBlank()) {
      return new ModelDeployment(home, repository, null, InferenceClient.connect(triton.trim()));
    }
    EmbeddedInferenceServer server = EmbeddedInferenceServer.start(repository.root(),
        "127.0.0.1", 0, 0);
    ModelDeployment deployment = new ModelDeployment(home, repository, server,
        InferenceClient.connect(server.address()));
    for (String model : repository.models()) {
      deployment.rollout.resume(model);
    }
    return deployment;
  }

  public ModelRollout rollout() {
    return rollout;
  }

  public InferenceClient client() {
    return client;
  }

  public ModelRepository repository() {
    return repository;
  }

  public String server() {
    return embedded == null ? "Triton at " + client.address()
        : "embedded inference server at " + client.address();
  }

  /** Deploys a registered version (resolved by the caller) with a canary share. */
  public RolloutState deploy(ModelRegistry registry, ModelVersionInfo version, int canaryPercent)
      throws IOException {
    Path work = Files.createTempDirectory("flywheel-deploy-");
    Path files = registry.download(version, work.resolve("model"));
    ServingMetadata metadata = metadata(version, files);
    return rollout.deploy(version.model(), version.version(), files.resolve("model.json"),
        metadata, canaryPercent);
  }

  /** Reads the trainer's features.txt: target, sampling rate, then the ordered names. */
  public static ServingMetadata metadata(ModelVersionInfo version, Path files) throws IOException {
    Path features = files.resolve("features.txt");
    if (!Files.isRegularFile(features) || !Files.isRegularFile(files.resolve("model.json"))) {
      throw new IOException(version.ref() + " has no model.json and features.txt: not a "
          + "deployable XGBoost model (recommenders are served from the feature store)");
    }
    List<String> lines = Files.readAllLines(features);
    if (lines.size() < 3 || !lines.get(0).startsWith("# target=")
        || !lines.get(1).startsWith("# negative_sampling=")) {
      throw new IOException(features + ": expected '# target=' and '# negative_sampling=' "
          + "lines before the feature names");
    }
    return new ServingMetadata(version.model(), version.version(), version.runId(),
        lines.get(0).substring("# target=".length()),
        lines.subList(2, lines.size()), Double.parseDouble(lines.get(1).substring(
            "# negative_sampling=".length())), version.tags().getOrDefault(
                "flywheel.training_window", ""));
  }

  @Override
  public void close() {
    client.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
