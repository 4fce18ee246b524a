package io.flywheel.workflows;

import io.flywheel.content.ContentIndex;
import io.flywheel.content.ContentSearch;
import io.flywheel.content.MiniLmEmbedder;
import io.flywheel.content.UserAffinities;
import io.flywheel.core.FlywheelConfig;
import io.flywheel.delivery.ContentRetrieval;
import io.flywheel.delivery.CopyShelf;
import io.flywheel.delivery.DeliveryService;
import io.flywheel.delivery.ImpressionLog;
import io.flywheel.delivery.Ranker;
import io.flywheel.deploy.FilModelConfig;
import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.ModelRepository;
import io.flywheel.deploy.ModelRollout;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.ShopCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the delivery service of a home from what is already running: its catalogue and copy (the
 * shop's content file and every campaign's approved copy), the feature store, the deployed ranker's
 * rollout, the content index, and the event stream impressions go to.
 */
public final class HomeDelivery {
  public static final String DEFAULT_MODEL = "flywheel-ctr";
  public static final String DEFAULT_TOPIC = "events";

  private HomeDelivery() {}

  /** {@code HOME/events/delivery.jsonl}: where impressions go when no Kafka is configured. */
  public static Path eventsFile(Path home) {
    return home.resolve("events").resolve("delivery.jsonl");
  }

  /** {@code HOME/delivery/bandits.json}: what the copy bandits of experiment arms have learnt. */
  public static Path banditsFile(Path home) {
    return home.resolve("delivery").resolve("bandits.json");
  }

  /** The content index delivery searches: the configured cluster, else `up`'s node, else none. */
  public static String elasticsearchUrl(Path home, FlywheelConfig config) {
    if (config.elasticsearchUrl() != null) {
      return config.elasticsearchUrl();
    }
    return io.flywheel.core.LocalServices.find(home, io.flywheel.core.LocalServices.ELASTICSEARCH)
        .map(io.flywheel.core.LocalServices.Service::url)
        .orElse(null);
  }

  /** Impressions the home's delivery API has logged to its events file so far. */
  public static long loggedImpressions(Path home) throws IOException {
    Path file = eventsFile(home);
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    try (var lines = Files.lines(file)) {
      return lines.filter(l -> l.contains("\"type\":\"impression\"")).count();
    }
  }

  /**
   * The experiments `flywheel experiments start` has running in this home, with when each started
   * (for its ramp-up), read on demand.
   */
  static java.util.function.Supplier<List<io.flywheel.experiments.ExperimentCatalog.Entry>>
      runningExperiments(Path home) {
    io.flywheel.experiments.ExperimentCatalog catalog =
        new io.flywheel.experiments.ExperimentCatalog(home);
    return () -> {
      try {
        return catalog.list().stream()
            .filter(io.flywheel.experiments.ExperimentCatalog.Entry::running)
            .toList();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  /** The treatment of the arm last promoted in the home (empty when none), re-read on each call. */
  static java.util.function.Supplier<java.util.Map<String, String>> promotedTreatment(Path home) {
    io.flywheel.experiments.ExperimentCatalog catalog =
        new io.flywheel.experiments.ExperimentCatalog(home);
    return () -> {
      try {
        return catalog
            .promoted()
            .map(io.flywheel.experiments.ExperimentCatalog.Promotion::treatment)
            .orElse(java.util.Map.of());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  /** The shop's own copy: HOME/catalog/content.jsonl, else the simulated world's. */
  public static Path shopContent(Path home) {
    Path catalog = home.resolve("catalog").resolve("content.jsonl");
    return Files.isRegularFile(catalog) ? catalog : home.resolve("world").resolve("content.jsonl");
  }

  public static DeliveryService build(
      Path home,
      FlywheelConfig config,
      FeatureStore store,
      InferenceClient client,
      String elasticsearchUrl,
      String model,
      Path shopContent,
      DeliveryService.Settings settings,
      PrintWriter out)
      throws IOException {
    Path catalogFile = home.resolve(ShopCatalog.HOME_FILE);
    ShopCatalog catalog =
        Files.isRegularFile(catalogFile) ? ShopCatalog.ofHome(home) : ShopCatalog.of(List.of());
    List<Path> copyFiles = new ArrayList<>();
    copyFiles.add(shopContent);
    copyFiles.addAll(CopyShelf.campaignFiles(home));
    CopyShelf shelf = CopyShelf.load(copyFiles);
    if (catalog.size() == 0) {
      out.println(
          "delivery: no catalogue in "
              + catalogFile
              + " yet (the features job publishes it); answers stay empty until a restart");
    }
    ImpressionLog log =
        config.kafkaBootstrapServers() != null
            ? ImpressionLog.kafka(config.kafkaBootstrapServers(), DEFAULT_TOPIC)
            : ImpressionLog.file(eventsFile(home));
    ModelRepository repository = new ModelRepository(ModelDeployment.repositoryRoot(home, config));
    Path rollouts = home.resolve("deploy").resolve("rollouts");
    FilModelConfig.Serving serving =
        config.tritonGrpcAddress() != null
            ? FilModelConfig.Serving.onGpu()
            : FilModelConfig.Serving.onCpu();
    // Delivery's own client: one attempt under a short deadline, so a stopped server costs a
    // request its ranker and never holds a thread for the shared client's retries.
    InferenceClient scoring =
        Ranker.requestClient(client.address(), settings.rankerDeadline().multipliedBy(2));
    DeliveryService.Builder builder =
        DeliveryService.builder(catalog, shelf, log)
            .features(store.online(), store.registry())
            .ranker(
                Ranker.deployed(
                    model,
                    repository,
                    new ModelRollout(rollouts, repository, scoring, serving),
                    scoring))
            .settings(settings)
            .runningExperiments(
                runningExperiments(home),
                promotedTreatment(home),
                config.experimentHoldout(),
                java.time.Duration.ofSeconds(5))
            .banditState(banditsFile(home))
            .closeWith(scoring);
    if (elasticsearchUrl != null) {
      ContentIndex index =
          ContentIndex.connect(
              elasticsearchUrl, config.elasticsearchApiKey(), MiniLmEmbedder.shared().dimension());
      builder
          .retrieval(
              ContentRetrieval.search(
                  new ContentSearch(index, MiniLmEmbedder.shared(), UserAffinities.NONE),
                  Duration.ofMinutes(5)))
          .closeWith(index);
    }
    out.printf(
        "delivery: %,d products, %,d approved copy items, ranker %s, impressions to %s%n",
        catalog.size(), shelf.size(), model, log.describe());
    return builder.build();
  }
}
