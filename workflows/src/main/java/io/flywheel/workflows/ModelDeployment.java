package io.flywheel.workflows;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.core.LocalServices;
import io.flywheel.deploy.EmbeddedInferenceServer;
import io.flywheel.deploy.FilModelConfig;
import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.ModelRepository;
import io.flywheel.deploy.ModelRollout;
import io.flywheel.deploy.RolloutState;
import io.flywheel.deploy.ServingMetadata;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.training.ModelRegistration;
import io.flywheel.training.ScoringModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * From the registry to serving: a registered version's files become a Triton repository version
 * (XGBoost JSON + Flywheel's metadata) and go through {@link ModelRollout}. The inference server is
 * the configured Triton ({@code TRITON_GRPC_ADDRESS}; its repository must be the one under {@code
 * HOME/deploy/repository}, or {@code FLYWHEEL_MODEL_REPOSITORY}), else an embedded one started for
 * the command.
 */
public final class ModelDeployment implements AutoCloseable {
  private final ModelRepository repository;
  private final EmbeddedInferenceServer embedded;
  private final InferenceClient client;
  private final ModelRollout rollout;

  private final boolean embeddedServer;

  private ModelDeployment(
      Path home,
      ModelRepository repository,
      EmbeddedInferenceServer embedded,
      InferenceClient client,
      boolean embeddedServer) {
    this.repository = repository;
    this.embedded = embedded;
    this.client = client;
    this.embeddedServer = embeddedServer;
    this.rollout =
        new ModelRollout(
            home.resolve("deploy").resolve("rollouts"),
            repository,
            client,
            embeddedServer ? FilModelConfig.Serving.onCpu() : FilModelConfig.Serving.onGpu());
  }

  /** The configured model repository, else {@code HOME/deploy/repository}. */
  public static Path repositoryRoot(Path home, FlywheelConfig config) {
    return config
        .get(FlywheelConfig.FLYWHEEL_MODEL_REPOSITORY)
        .map(Path::of)
        .orElse(home.resolve("deploy").resolve("repository"));
  }

  /** Connects to the configured Triton, or starts the embedded server on the repository. */
  public static ModelDeployment open(Path home, FlywheelConfig config) throws IOException {
    ModelRepository repository = new ModelRepository(repositoryRoot(home, config));
    Files.createDirectories(repository.root());
    String triton = config.tritonGrpcAddress();
    if (triton != null) {
      return new ModelDeployment(home, repository, null, InferenceClient.connect(triton), false);
    }
    var running = LocalServices.find(home, LocalServices.INFERENCE);
    if (running.isPresent()) {
      // `flywheel up` serves this home's repository (on CPU) and resumed its rollouts.
      return new ModelDeployment(
          home, repository, null, InferenceClient.connect(running.get().url()), true);
    }
    EmbeddedInferenceServer server =
        EmbeddedInferenceServer.start(repository.root(), "127.0.0.1", 0, 0);
    ModelDeployment deployment =
        new ModelDeployment(
            home, repository, server, InferenceClient.connect(server.address()), true);
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
    if (!embeddedServer) {
      return "Triton at " + client.address();
    }
    return embedded == null
        ? "embedded inference server at " + client.address() + " (run by `flywheel up`)"
        : "embedded inference server at " + client.address();
  }

  /** Deploys a registered version (resolved by the caller) with a canary share. */
  public RolloutState deploy(ModelRegistry registry, ModelVersionInfo version, int canaryPercent)
      throws IOException {
    Path work = Files.createTempDirectory("flywheel-deploy-");
    Path files = registry.download(version, work.resolve("model"));
    ServingMetadata metadata = metadata(version, files);
    return rollout.deploy(
        version.model(), version.version(), files.resolve("model.json"), metadata, canaryPercent);
  }

  /**
   * Makes {@code version} the live one if it is not already (a first deploy starts with a 10 %
   * canary; replacing what an earlier run left live goes straight to 100 %).
   */
  public RolloutState ensureLive(ModelRegistry registry, ModelVersionInfo version)
      throws IOException {
    RolloutState state = rollout.state(version.model());
    if (state.live() != null && state.live() == version.version()) {
      return state;
    }
    return deploy(registry, version, state.live() == null ? 10 : 100);
  }

  /** How far served scores stray from the same model's in-process scores on the same rows. */
  public record Parity(int rows, int features, double largestDifference) {}

  /**
   * Scores {@code examples} through the inference server (KServe v2 gRPC) with the live version of
   * {@code version}'s model and with the same files in process, and compares.
   */
  public Parity parity(
      ModelRegistry registry,
      ModelVersionInfo version,
      List<TrainingExample> examples,
      ShopCatalog catalog)
      throws Exception {
    RolloutState state = rollout.state(version.model());
    ScoringModel local = ModelRegistration.load(registry, version);
    float[] rows = local.featureRows(examples, catalog);
    int features = local.featureNames().size();
    var served =
        client.infer(
            version.model(), Integer.toString(state.live()), rows, examples.size(), features);
    double[] inProcess = local.predict(examples, catalog);
    ServingMetadata metadata = repository.readMetadata(version.model(), state.live());
    double worst = 0;
    for (int i = 0; i < inProcess.length; i++) {
      worst = Math.max(worst, Math.abs(metadata.correct(served.values()[i]) - inProcess[i]));
    }
    return new Parity(examples.size(), features, worst);
  }

  /** Reads the trainer's features.txt: target, sampling rate, then the ordered names. */
  public static ServingMetadata metadata(ModelVersionInfo version, Path files) throws IOException {
    Path features = files.resolve("features.txt");
    if (!Files.isRegularFile(features) || !Files.isRegularFile(files.resolve("model.json"))) {
      throw new IOException(
          version.ref()
              + " has no model.json and features.txt: not a "
              + "deployable XGBoost model (recommenders are served from the feature store)");
    }
    List<String> lines = Files.readAllLines(features);
    if (lines.size() < 3
        || !lines.get(0).startsWith("# target=")
        || !lines.get(1).startsWith("# negative_sampling=")) {
      throw new IOException(
          features
              + ": expected '# target=' and '# negative_sampling=' "
              + "lines before the feature names");
    }
    return new ServingMetadata(
        version.model(),
        version.version(),
        version.runId(),
        lines.get(0).substring("# target=".length()),
        lines.subList(2, lines.size()),
        Double.parseDouble(lines.get(1).substring("# negative_sampling=".length())),
        version.tags().getOrDefault("flywheel.training_window", ""));
  }

  @Override
  public void close() {
    client.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
