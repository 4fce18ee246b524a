package io.flywheel.console;

import io.flywheel.core.LocalServices;
import io.flywheel.delivery.DeliveryServer;
import io.flywheel.delivery.DeliveryService;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.workflows.HomeDelivery;
import io.flywheel.workflows.ModelDeployment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel delivery serve}: the ranking API and event collector of a home. */
@Command(
    name = "delivery",
    mixinStandardHelpOptions = true,
    description = "The delivery API: what each shopper sees, logged as impressions.",
    subcommands = {DeliveryCommand.Serve.class})
final class DeliveryCommand implements Runnable {
  @ParentCommand FlywheelCli root;

  @Spec private CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every way of running delivery shares. */
  static final class Choices {
    @Option(
        names = "--model",
        defaultValue = HomeDelivery.DEFAULT_MODEL,
        description = "The deployed ranker (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
        names = "--content",
        paramLabel = "FILE",
        description =
            "The shop's copy (content.jsonl; default: HOME/catalog/content.jsonl, else"
                + " HOME/world/content.jsonl); every campaign's approved copy is added.")
    Path content;

    @Option(
        names = "--candidates",
        defaultValue = "300",
        description = "Product-and-copy pairs scored per request (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(
        names = "--exploration",
        defaultValue = "0.05",
        description =
            "Chance per position of placing a random eligible product, logged in its"
                + " propensity (default: ${DEFAULT-VALUE}).")
    double exploration;

    DeliveryService.Settings settings() {
      return DeliveryService.Settings.defaults()
          .withCandidates(candidates)
          .withExploration(exploration);
    }
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description =
          "Serve GET /v1/recommendations, POST /v1/recommendations:batch and POST /v1/events"
              + " (with /health and /metrics) until Ctrl-C. `flywheel up` serves it too.")
  static final class Serve implements Callable<Integer> {
    @ParentCommand DeliveryCommand parent;

    @Spec private CommandSpec spec;

    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
        names = "--port",
        defaultValue = "8088",
        description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @picocli.CommandLine.Mixin Choices choices = new Choices();

    @Override
    public Integer call() throws Exception {
      FlywheelCli root = parent.root;
      Path home = root.home();
      PrintWriter out = spec.commandLine().getOut();
      var running = LocalServices.find(home, LocalServices.DELIVERY);
      if (running.isPresent()) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--home " + home + ": `flywheel up` already serves delivery at " + running.get().url());
      }
      String es = HomeDelivery.elasticsearchUrl(home, root.config());
      try (ModelDeployment deployment = ModelDeployment.open(home, root.config());
          FeatureStore store = root.featureStore(home);
          DeliveryService service =
              HomeDelivery.build(
                  home,
                  root.config(),
                  store,
                  deployment.client(),
                  es,
                  choices.model,
                  choices.content != null ? choices.content : HomeDelivery.shopContent(home),
                  choices.settings(),
                  out);
          DeliveryServer server =
              DeliveryServer.start(service, root.config().apiToken(), host, port)) {
        out.printf(
            "delivery API on http://%s:%d (ranker via %s%s); Ctrl-C stops%n",
            host,
            server.port(),
            deployment.server(),
            es == null ? ", no content index: co-visitation and popularity only" : ", index " + es);
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      }
      return 0;
    }
  }
}
