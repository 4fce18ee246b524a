package io.flywheel.console;

import io.flywheel.deploy.EmbeddedInferenceServer;
import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.ModelRepository;
import io.flywheel.workflows.ModelDeployment;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel serve-models}: the embedded inference server on the home's repository. */
@Command(
    name = "serve-models",
    mixinStandardHelpOptions = true,
    description =
        "Serve the deployed models over Triton's gRPC protocol (KServe v2) on CPU, "
            + "with /health and /metrics over HTTP, until Ctrl-C.")
final class ServeModelsCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  private String host;

  @Option(
      names = "--port",
      defaultValue = "8001",
      description = "gRPC port (default: ${DEFAULT-VALUE}, Triton's).")
  private int port;

  @Option(
      names = "--http-port",
      defaultValue = "8002",
      description = "Health and metrics port (default: ${DEFAULT-VALUE}).")
  private int httpPort;

  @Override
  public Integer call() throws Exception {
    ModelRepository repository =
        new ModelRepository(ModelDeployment.repositoryRoot(root.home(), root.config()));
    Files.createDirectories(repository.root());
    PrintWriter out = spec.commandLine().getOut();
    try (EmbeddedInferenceServer server =
            EmbeddedInferenceServer.start(repository.root(), host, port, httpPort);
        InferenceClient client = InferenceClient.connect("127.0.0.1:" + server.grpcPort())) {
      ServedModels.resumeAll(
          root.home(), repository, client, server, out, spec.commandLine().getErr());
      out.printf(
          "gRPC (KServe v2) on %s:%d, /health and /metrics on http://%s:%d; Ctrl-C stops%n",
          host, server.grpcPort(), host, server.httpPort());
      out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
