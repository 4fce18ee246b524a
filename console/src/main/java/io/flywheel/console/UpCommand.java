package io.flywheel.console;

import io.flywheel.content.LocalElasticsearch;
import io.flywheel.core.LocalServices;
import io.flywheel.core.ServiceHealth;
import io.flywheel.delivery.DeliveryServer;
import io.flywheel.delivery.DeliveryService;
import io.flywheel.deploy.EmbeddedInferenceServer;
import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.ModelRepository;
import io.flywheel.featurestore.FeatureServer;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.webconsole.WebConsole;
import io.flywheel.workflows.HomeDelivery;
import io.flywheel.workflows.ModelDeployment;
import io.flywheel.workflows.Orchestration;
import io.flywheel.workflows.PipelineApi;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel up}: every embedded service of a home in one process, published in {@code
 * HOME/services.json} so that every other command of that home talks to them instead of starting
 * its own; stopped by Ctrl-C or {@code flywheel down}.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Start every embedded service of the home (tracking server, inference server, Temporal "
            + "with a worker, pipeline API, feature server, Elasticsearch, delivery API, web console), write HOME/services.json and serve "
            + "until Ctrl-C or `flywheel down`; other commands of the home use them.")
final class UpCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address every service binds (default: ${DEFAULT-VALUE}).")
  private String host;

  @Option(
      names = "--inference-port",
      defaultValue = "8001",
      description = "Inference gRPC port, Triton's (default: ${DEFAULT-VALUE}); health on +1.")
  private int inferencePort;

  @Option(
      names = "--pipelines-port",
      defaultValue = "8090",
      description = "Pipeline API port (default: ${DEFAULT-VALUE}).")
  private int pipelinesPort;

  @Option(
      names = "--features-port",
      defaultValue = "8081",
      description = "Feature server port (default: ${DEFAULT-VALUE}).")
  private int featuresPort;

  @Option(names = "--no-triggers", description = "Do not arm schedules and triggers.")
  private boolean noTriggers;

  @Option(
      names = "--any-ports",
      description = "Let the system pick every port (for several homes on one machine, and tests).")
  private boolean anyPorts;

  @Option(
      names = "--elasticsearch-port",
      defaultValue = "9200",
      description = "The content index's local Elasticsearch port (default: ${DEFAULT-VALUE}).")
  private int elasticsearchPort;

  @Option(
      names = "--delivery-port",
      defaultValue = "8088",
      description = "The delivery API's port (default: ${DEFAULT-VALUE}).")
  private int deliveryPort;

  @Option(
      names = "--console-port",
      defaultValue = "8080",
      description = "The web console's port (default: ${DEFAULT-VALUE}).")
  private int consolePort;

  /** The local content index node, unless ELASTICSEARCH_URL names a cluster. */
  private LocalElasticsearch contentIndexNode(Path home) throws Exception {
    if (root.config().elasticsearchUrl() != null) {
      return null;
    }
    PrintWriter err = spec.commandLine().getErr();
    return LocalElasticsearch.start(
        home.resolve("elasticsearch"),
        anyPorts ? 0 : elasticsearchPort,
        512,
        line -> {
          err.println(line);
          err.flush();
        });
  }

  @Override
  public Integer call() throws Exception {
    Path home = root.home();
    var already = LocalServices.of(home);
    if (already.isPresent()) {
      throw new ParameterException(
          spec.commandLine(),
          "--home "
              + home
              + ": already up (pid "
              + already.get().pid()
              + " since "
              + already.get().started()
              + "); `flywheel status` lists its services, `flywheel down` stops them");
    }
    Files.createDirectories(home);
    Instant started = Instant.now();
    List<LocalServices.Service> services = new ArrayList<>();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    // Ctrl-C and `flywheel down` (SIGTERM) both end here; the hook waits for the services to close.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    ModelRepository repository =
        new ModelRepository(ModelDeployment.repositoryRoot(home, root.config()));
    Files.createDirectories(repository.root());
    int grpc = anyPorts ? 0 : inferencePort;
    int grpcHealth = anyPorts ? 0 : inferencePort + 1;
    try (ModelRegistry registry = root.registry(home);
        EmbeddedInferenceServer inference =
            EmbeddedInferenceServer.start(repository.root(), host, grpc, grpcHealth);
        InferenceClient client = InferenceClient.connect("127.0.0.1:" + inference.grpcPort());
        Orchestration orchestration = Orchestration.open(home, root.config());
        PipelineApi api =
            PipelineApi.start(
                orchestration, home, root.config().apiToken(), host, anyPorts ? 0 : pipelinesPort);
        FeatureStore store = root.featureStore(home);
        FeatureServer features = FeatureServer.start(store, host, anyPorts ? 0 : featuresPort);
        LocalElasticsearch elasticsearch = contentIndexNode(home);
        DeliveryService delivery =
            HomeDelivery.build(
                home,
                root.config(),
                store,
                client,
                elasticsearch != null ? elasticsearch.url() : root.config().elasticsearchUrl(),
                HomeDelivery.DEFAULT_MODEL,
                HomeDelivery.shopContent(home),
                DeliveryService.Settings.defaults(),
                spec.commandLine().getOut());
        DeliveryServer deliveryApi =
            DeliveryServer.start(
                delivery, root.config().apiToken(), host, anyPorts ? 0 : deliveryPort);
        WebConsole console =
            WebConsole.builder(home)
                .config(root.config())
                .registry(registry)
                .pipelines(orchestration.pipelines())
                .token(root.config().apiToken())
                .start(host, anyPorts ? 0 : consolePort)) {
      services.add(
          new LocalServices.Service(
              LocalServices.TRACKING, registry.trackingUri(), registry.trackingUri() + "/health"));
      String inferenceHealth = "http://" + host + ":" + inference.httpPort() + "/health";
      services.add(
          new LocalServices.Service(
              LocalServices.INFERENCE, host + ":" + inference.grpcPort(), inferenceHealth));
      if (orchestration.localAddress() != null) {
        services.add(
            new LocalServices.Service(LocalServices.TEMPORAL, orchestration.localAddress(), null));
      }
      String pipelines = "http://" + host + ":" + api.port();
      services.add(
          new LocalServices.Service(LocalServices.PIPELINES, pipelines, pipelines + "/health"));
      String featureUrl = "http://" + host + ":" + features.port();
      services.add(
          new LocalServices.Service(LocalServices.FEATURES, featureUrl, featureUrl + "/health"));
      if (elasticsearch != null) {
        services.add(
            new LocalServices.Service(
                LocalServices.ELASTICSEARCH,
                elasticsearch.url(),
                elasticsearch.url() + "/_cluster/health"));
      }
      String deliveryUrl = "http://" + host + ":" + deliveryApi.port();
      services.add(
          new LocalServices.Service(LocalServices.DELIVERY, deliveryUrl, deliveryUrl + "/health"));
      services.add(
          new LocalServices.Service(
              LocalServices.CONSOLE, console.url(), console.url() + "/health"));
      LocalServices.publish(home, "up", started, services);
      try {
        PrintWriter out = spec.commandLine().getOut();
        ServedModels.resumeAll(
            home, repository, client, inference, out, spec.commandLine().getErr());
        if (!noTriggers) {
          for (var p : Orchestration.pipelineSpecs(home).values()) {
            for (String armed : orchestration.pipelines().arm(p)) {
              out.println("armed " + armed);
            }
          }
        }
        for (ServiceHealth.Checked c : ServiceHealth.check(services)) {
          out.printf(
              Locale.ROOT, "%-10s %-32s %s%n", c.service().name(), c.service().url(), c.state());
        }
        out.printf(
            "Flywheel is up for %s (pid %d, %s); Ctrl-C or `flywheel down` stops it%n",
            home, ProcessHandle.current().pid(), home.resolve(LocalServices.FILE));
        out.flush();
        stop.await();
      } finally {
        LocalServices.withdraw(home);
      }
    } finally {
      closed.countDown();
    }
    return 0;
  }
}
