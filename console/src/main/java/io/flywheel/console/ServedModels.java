package io.flywheel.console;

import io.flywheel.deploy.EmbeddedInferenceServer;
import io.flywheel.deploy.FilModelConfig;
import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.ModelRepository;
import io.flywheel.deploy.ModelRollout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * What a long-running inference server ({@code serve-models}, {@code up}) does on start: serve
 * every model of the repository as its rollout left it. A model that fails to load is reported (and
 * shown as failed on {@code /health}) while the others serve.
 */
final class ServedModels {
  private ServedModels() {}

  static void resumeAll(
      Path home,
      ModelRepository repository,
      InferenceClient client,
      EmbeddedInferenceServer server,
      PrintWriter out,
      PrintWriter err)
      throws IOException {
    ModelRollout rollout =
        new ModelRollout(
            home.resolve("deploy").resolve("rollouts"),
            repository,
            client,
            FilModelConfig.Serving.onCpu());
    List<String> models = repository.models();
    server.expect(models);
    for (String model : models) {
      try {
        rollout.resume(model);
        out.println("serving " + model + " " + rollout.state(model).serving());
      } catch (RuntimeException e) {
        server.loadFailed(model, e.getMessage());
        err.println("error: " + model + " did not load: " + e.getMessage());
      }
    }
  }
}
