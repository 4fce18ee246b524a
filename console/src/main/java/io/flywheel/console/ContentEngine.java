package io.flywheel.console;

import io.flywheel.content.ContentIndex;
import io.flywheel.content.ContentIndexConnection;
import io.flywheel.content.MiniLmEmbedder;
import io.flywheel.content.UserAffinities;
import io.flywheel.core.FlywheelConfig;
import io.flywheel.core.LocalServices;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureVector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The content index a command uses: the configured cluster (ELASTICSEARCH_URL), else the node
 * {@code flywheel up} runs for the home, else a node started for this command alone (and stopped
 * when it ends).
 */
final class ContentEngine implements AutoCloseable {
  static final String AFFINITY_VIEW = "user_category_affinity";

  private final ContentIndexConnection connection;

  private ContentEngine(ContentIndexConnection connection) {
    this.connection = connection;
  }

  static ContentEngine open(Path home, FlywheelConfig config, PrintWriter err)
      throws IOException, InterruptedException {
    return new ContentEngine(
        ContentIndexConnection.open(
            home,
            config,
            MiniLmEmbedder.shared().dimension(),
            line -> {
              err.println(line);
              err.flush();
            }));
  }

  ContentIndex index() {
    return connection.index();
  }

  String url() {
    return connection.url();
  }

  /**
   * A shopper's category weights from the online feature store: the running feature server's when
   * the home is up, else the home's store (the weights are click weights, scaled to the largest).
   */
  static UserAffinities affinities(Path home, FlywheelConfig config) {
    return userId -> {
      try {
        Optional<FeatureVector> vector;
        Optional<LocalServices.Service> server = LocalServices.find(home, LocalServices.FEATURES);
        if (server.isPresent()) {
          vector =
              io.flywheel.featurestore.FeatureServerClient.lookup(
                  server.get().url(), AFFINITY_VIEW, userId);
        } else {
          try (FeatureStore store = FeatureStore.open(home, config.redisUrl())) {
            vector = store.lookup(AFFINITY_VIEW, userId);
          }
        }
        return vector.map(ContentEngine::weights).orElse(Map.of());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  static Map<String, Double> weights(FeatureVector v) {
    Map<String, Double> raw = new LinkedHashMap<>();
    double max = 0;
    for (int i = 1; i <= 5; i++) {
      Object category = v.values().get("category_" + i);
      Double weight = v.number("click_weight_" + i);
      if (category != null && weight != null && weight > 0) {
        raw.put(category.toString(), weight);
        max = Math.max(max, weight);
      }
    }
    Map<String, Double> scaled = new LinkedHashMap<>();
    for (var e : raw.entrySet()) {
      scaled.put(e.getKey(), e.getValue() / max);
    }
    return scaled;
  }

  @Override
  public void close() {
    connection.close();
  }
}
