package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.FeatureView;
import io.flywheel.featurestore.TrainingExample;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * What the feature job computed, as one canonical text: the counters, every training example, the
 * newest offline snapshot per entity and day, and the online vector of each of those entities.
 * Values print with {@link Double#toString}, which round-trips exactly, so equal texts mean
 * bit-identical outputs. Compared with a text recorded from the job (a golden file), it shows that
 * a change of the job's shape changed nothing it computes.
 */
final class GoldenOutputs {
  private GoldenOutputs() {}

  static List<String> render(FeatureStore store, FeatureJobResult result) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "counters accepted="
            + result.accepted()
            + " malformed="
            + result.malformed()
            + " duplicates="
            + result.duplicates()
            + " late="
            + result.late()
            + " examples="
            + result.trainingExamples()
            + " open="
            + result.openAttributionWindows()
            + " behind="
            + result.examplesBehindWatermark()
            + " sessions="
            + result.sessions());
    SameStores.sorted(store.trainingSet(SameStores.FROM, SameStores.TO))
        .forEach(e -> lines.add("example " + example(e)));
    for (String viewName : SameStores.VIEWS) {
      FeatureView view = store.registry().view(viewName);
      Map<String, FeatureVector> newest = SameStores.newestPerKeyAndDate(store, view);
      newest.forEach((day, v) -> lines.add("offline " + viewName + " " + day + " " + vector(v)));
      List<String> keys = newest.values().stream().map(FeatureVector::key).distinct().toList();
      new TreeMap<>(store.online().getMany(view, keys))
          .forEach((key, v) -> lines.add("online " + viewName + " " + key + " " + vector(v)));
    }
    return lines;
  }

  /** Asserts {@code actual} equals the golden file, naming the first line that differs. */
  static void assertMatches(List<String> actual, String golden, Path target) throws IOException {
    Path file = Path.of("src/test/resources/golden").resolve(golden);
    if (Boolean.getBoolean("golden.record")) {
      write(file, actual);
    }
    assertThat(file)
        .as("golden file (record it with -Dgolden.record=true from today's job)")
        .exists();
    List<String> expected = read(file);
    if (!expected.equals(actual)) {
      write(target.resolve(golden), actual);
      int i = 0;
      while (i < Math.min(expected.size(), actual.size())
          && expected.get(i).equals(actual.get(i))) {
        i++;
      }
      assertThat(i < actual.size() ? actual.get(i) : "<end: " + actual.size() + " lines>")
          .as("line %d of %s (this run's text: %s)", i + 1, golden, target.resolve(golden))
          .isEqualTo(
              i < expected.size() ? expected.get(i) : "<end: " + expected.size() + " lines>");
    }
  }

  private static String example(TrainingExample e) {
    return e.eventId()
        + " "
        + e.requestId()
        + " "
        + e.userId()
        + " "
        + e.productId()
        + " "
        + e.contentId()
        + " "
        + e.campaignId()
        + " "
        + e.experimentId()
        + " "
        + e.arm()
        + " "
        + e.variantId()
        + " "
        + e.position()
        + " "
        + e.propensity()
        + " "
        + e.timestamp()
        + " "
        + e.clicked()
        + " "
        + e.purchased()
        + " "
        + new TreeMap<>(e.features());
  }

  private static String vector(FeatureVector v) {
    return v.asOf() + " " + new TreeMap<>(v.values());
  }

  private static List<String> read(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static void write(Path file, List<String> lines) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
