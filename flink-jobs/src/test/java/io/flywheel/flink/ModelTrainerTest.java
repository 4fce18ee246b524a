package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.evaluation.ClassificationMetrics;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The response models learn from the feature job's real training examples. */
class ModelTrainerTest {
  @TempDir
  static Path dir;
  static List<TrainingExample> examples;
  static ShopCatalog catalog;

  @BeforeAll
  static void trainingSet() throws Exception {
    Path world = dir.resolve("world");
    MarketplaceSimulator.run(new SimulationConfig(1000, 200, 7, 7, 0, WorldConfig.defaults()),
        world, SimulationProgress.NONE);
    FeatureJob.run(FeatureJobOptions.defaults(world.resolve("events.jsonl").toString(),
            world.resolve("products.jsonl").toString(), dir.resolve("home").toString())
        .withRedisUrl(null).withFlinkRestUrl(null));
    try (FeatureStore store = FeatureStore.open(dir.resolve("home"), null)) {
      examples = store.trainingSet(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 12, 31));
    }
    catalog = ShopCatalog.load(world.resolve("products.jsonl"));
  }

  @Test
  void theModelRanksClicksOnLaterExamplesAndSurvivesSaveAndLoad() throws Exception {
    ScoringModel model = ModelTrainer.train(examples, catalog, PredictionTarget.CTR, ModelTrainer.Options.defaults());
    ModelTrainer.Validation v = model.validation();
    assertThat(v.eventIds()).hasSize((int) Math.round(examples.size() * 0.2));
    // Time split: every validation example is at least as late as every training example.
    Map<String, TrainingExample> byId = examples.stream()
        .collect(Collectors.toMap(TrainingExample::eventId, Function.identity()));
    long firstValidation = v.eventIds().stream().mapToLong(id -> byId.get(id).timestamp())
        .min().orElseThrow();
    long trainingLater = examples.stream().filter(x -> !v.eventIds().contains(x.eventId()))
        .filter(x -> x.timestamp() > firstValidation).count();
    assertThat(trainingLater).isZero();
    // Well above chance (the demo's world gives ~0.63; its oracle ~0.80).
    assertThat(ClassificationMetrics.rocAuc(v.predictions(), v.positives())).isGreaterThan(0.58);

    model.save(dir.resolve("model"));
    assertThat(dir.resolve("model").resolve("model.json")).isNotEmptyFile();
    ScoringModel loaded = ScoringModel.load(dir.resolve("model"));
    assertThat(loaded.featureNames()).isEqualTo(ModelTrainer.featureNames());
    List<TrainingExample> some = examples.subList(0, 50);
    assertThat(loaded.predict(some, catalog)).containsExactly(model.predict(some, catalog));
  }

  @Test
  void downSampledNegativesAreCorrectedBackToTheObservedRate() throws Exception {
    ScoringModel model = ModelTrainer.train(examples, catalog, PredictionTarget.CTR,
        ModelTrainer.Options.defaults().withNegativeSampling(0.25));
    ModelTrainer.Validation v = model.validation();
    double observed = (double) countTrue(v.positives()) / v.positives().length;
    double predicted = Arrays.stream(v.predictions()).average().orElseThrow();
    // Uncorrected, a quarter of the negatives would inflate predictions about fourfold.
    assertThat(predicted).isBetween(observed * 0.6, observed * 1.5);
  }

  @Test
  void theLogisticBaselineTrainsOnTheSameSplit() throws Exception {
    ScoringModel trees = ModelTrainer.train(examples, catalog, PredictionTarget.CTR, ModelTrainer.Options.defaults());
    ScoringModel linear = ModelTrainer.train(examples, catalog, PredictionTarget.CTR, ModelTrainer.Options.logisticBaseline());
    assertThat(linear.validation().eventIds()).isEqualTo(trees.validation().eventIds());
    assertThat(ClassificationMetrics.rocAuc(linear.validation().predictions(),
        linear.validation().positives())).isGreaterThan(0.55);
    linear.save(dir.resolve("linear"));
    assertThat(java.nio.file.Files.readString(dir.resolve("linear").resolve("model.json")))
        .contains("gblinear");
  }

  @Test
  void aTrainingSetWithoutClicksIsRefused() {
    List<TrainingExample> noClicks = examples.stream().filter(x -> !x.clicked()).toList();
    assertThatThrownBy(() -> ModelTrainer.train(noClicks, catalog, PredictionTarget.CTR, ModelTrainer.Options.defaults()))
        .hasMessageContaining("no positive examples for ctr");
  }

  private static long countTrue(boolean[] values) {
    long n = 0;
    for (boolean b : values) {
      n += b ? 1 : 0;
    }
    return n;
  }
}
