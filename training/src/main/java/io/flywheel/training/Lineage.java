package io.flywheel.training;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.TrainingExample;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Tags that say where a model came from: data (window and hash), features, code. */
public final class Lineage {
  public static final String TARGET = "flywheel.target";
  public static final String TRAINING_WINDOW = "flywheel.training_window";
  public static final String DATA_HASH = "flywheel.data_hash";

  private Lineage() {}

  public static Map<String, String> of(TrainingTable examples, PredictionTarget target) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TARGET, target.modelName());
    FeatureRegistry registry = FeatureRegistry.builtIn();
    tags.put(
        "flywheel.feature_views",
        TrainingExample.FEATURE_VIEWS.stream()
            .map(v -> v + ":v" + registry.view(v).version())
            .collect(Collectors.joining(",")));
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (int i = 0; i < examples.size(); i++) {
      from = Math.min(from, examples.timestamp(i));
      to = Math.max(to, examples.timestamp(i));
    }
    if (examples.size() == 0) {
      from = 0;
      to = 0;
    }
    tags.put(TRAINING_WINDOW, day(from) + "/" + day(to));
    tags.put(DATA_HASH, dataHash(examples));
    String version = Lineage.class.getPackage().getImplementationVersion();
    tags.put("flywheel.code_version", version == null ? "development build" : version);
    return tags;
  }

  private static String day(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }

  /** SHA-256 over the examples' ids and labels, in id order: same data, same hash. */
  public static String dataHash(TrainingTable examples) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      Integer[] order = new Integer[examples.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparing(examples::eventId));
      for (int i : order) {
        sha.update(
            (examples.eventId(i)
                    + ':'
                    + (examples.clicked(i) ? 1 : 0)
                    + (examples.purchased(i) ? 1 : 0)
                    + '\n')
                .getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
