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
import io.flywheel.training.ModelTrainer;
import io.flywheel.training.PredictionTarget;
import io.flywheel.training.ScoringModel;
import io.flywheel.training.TrainingTable;
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

/** The response models learn from the feature job's real training examples, on both engines. */
class TrainingOnFeatureJobExamplesTest {
  @TempDir static Path dir;
  static List<TrainingExample> examples;
  static ShopCatalog catalog;

  @BeforeAll
  static void trainingSet() throws Exception {
    Path world = dir.resolve("world");
    MarketplaceSimulator.run(
        new SimulationConfig(1000, 200, 7, 7, 0, WorldConfig.defaults()),
        world,
        SimulationProgress.NONE);
    FeatureJob.run(
        FeatureJobOptions.defaults(
                world.resolve("events.jsonl").toString(),
                world.resolve("products.jsonl").toString(),
                dir.resolve("home").toString())
            .withRedisUrl(null)
            .withFlinkRestUrl(null));
    try (FeatureStore store = FeatureStore.open(dir.resolve("home"), null)) {
      examples = store.trainingSet(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 12, 31));
    }
    catalog = ShopCatalog.load(world.resolve("products.jsonl"));
  }

  @Test
  void theModelRanksClicksOnLaterExamplesAndSurvivesSaveAndLoad() throws Exception {
    ScoringModel model =
        ModelTrainer.train(
            examples, catalog, PredictionTarget.CTR, ModelTrainer.Options.defaults());
    ModelTrainer.Validation v = model.validation();
    assertThat(v.eventIds()).hasSize((int) Math.round(examples.size() * 0.2));
    // Time split: every validation example is at least as late as every training example.
    Map<String, TrainingExample> byId =
        examples.stream().collect(Collectors.toMap(TrainingExample::eventId, Function.identity()));
    long firstValidation =
        v.eventIds().stream().mapToLong(id -> byId.get(id).timestamp()).min().orElseThrow();
    long trainingLater =
        examples.stream()
            .filter(x -> !v.eventIds().contains(x.eventId()))
            .filter(x -> x.timestamp() > firstValidation)
            .count();
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
    ScoringModel model =
        ModelTrainer.train(
            examples,
            catalog,
            PredictionTarget.CTR,
            ModelTrainer.Options.defaults().withNegativeSampling(0.25));
    ModelTrainer.Validation v = model.validation();
    double observed = (double) countTrue(v.positives()) / v.positives().length;
    double predicted = Arrays.stream(v.predictions()).average().orElseThrow();
    // Uncorrected, a quarter of the negatives would inflate predictions about fourfold.
    assertThat(predicted).isBetween(observed * 0.6, observed * 1.5);
  }

  @Test
  void theLogisticBaselineTrainsOnTheSameSplit() throws Exception {
    ScoringModel trees =
        ModelTrainer.train(
            examples, catalog, PredictionTarget.CTR, ModelTrainer.Options.defaults());
    ScoringModel linear =
        ModelTrainer.train(
            examples, catalog, PredictionTarget.CTR, ModelTrainer.Options.logisticBaseline());
    assertThat(linear.validation().eventIds()).isEqualTo(trees.validation().eventIds());
    assertThat(
            ClassificationMetrics.rocAuc(
                linear.validation().predictions(), linear.validation().positives()))
        .isGreaterThan(0.55);
    linear.save(dir.resolve("linear"));
    assertThat(java.nio.file.Files.readString(dir.resolve("linear").resolve("model.json")))
        .contains("gblinear");
  }

  @Test
  void aTrainingSetWithoutClicksIsRefused() {
    List<TrainingExample> noClicks = examples.stream().filter(x -> !x.clicked()).toList();
    assertThatThrownBy(
            () ->
                ModelTrainer.train(
                    noClicks, catalog, PredictionTarget.CTR, ModelTrainer.Options.defaults()))
        .hasMessageContaining("no positive examples for ctr");
  }

  @Test
  void conversionModelsLearnFromTheirOwnPopulations() throws Exception {
    ScoringModel postClick =
        ModelTrainer.train(
            examples, catalog, PredictionTarget.CVR_POST_CLICK, ModelTrainer.Options.defaults());
    Map<String, TrainingExample> byId =
        examples.stream().collect(Collectors.toMap(TrainingExample::eventId, Function.identity()));
    // purchase | click is judged on clicked impressions only.
    assertThat(postClick.validation().eventIds())
        .isNotEmpty()
        .allSatisfy(id -> assertThat(byId.get(id).clicked()).isTrue());
    ScoringModel cvr =
        ModelTrainer.train(
            examples, catalog, PredictionTarget.CVR, ModelTrainer.Options.defaults());
    assertThat(cvr.validation().eventIds()).hasSize((int) Math.round(examples.size() * 0.2));
    TrainingTable heldOut =
        ModelTrainer.heldOut(TrainingTable.of(examples, catalog), PredictionTarget.CVR, 0.2);
    assertThat(
            java.util.stream.IntStream.range(0, heldOut.size()).mapToObj(heldOut::eventId).toList())
        .isEqualTo(cvr.validation().eventIds());
    double purchaseRate =
        examples.stream().filter(TrainingExample::purchased).count() / (double) examples.size();
    double mean = Arrays.stream(cvr.validation().predictions()).average().orElseThrow();
    assertThat(mean).isBetween(purchaseRate * 0.3, purchaseRate * 3);
  }

  @Test
  void theRankingModelKeepsEachRequestWholeAndOrdersBetterThanChance() throws Exception {
    ScoringModel rank =
        ModelTrainer.train(
            examples, catalog, PredictionTarget.RANK, ModelTrainer.Options.defaults());
    ModelTrainer.Validation v = rank.validation();
    java.util.Set<String> validationRequests = new java.util.HashSet<>(v.requestIds());
    long requestsInBoth =
        examples.stream()
            .filter(x -> !v.eventIds().contains(x.eventId()))
            .map(x -> x.requestId() == null ? x.eventId() : x.requestId())
            .filter(validationRequests::contains)
            .count();
    assertThat(requestsInBoth).isZero();
    double model =
        io.flywheel.evaluation.ModelEvaluation.ranking(
                v.requestIds(), v.predictions(), v.gains(), null)
            .get("ndcg_at_5");
    double[] reversed = Arrays.stream(v.predictions()).map(p -> -p).toArray();
    double worst =
        io.flywheel.evaluation.ModelEvaluation.ranking(v.requestIds(), reversed, v.gains(), null)
            .get("ndcg_at_5");
    assertThat(model).isGreaterThan(worst + 0.05);
    rank.save(dir.resolve("rank"));
    assertThat(java.nio.file.Files.readString(dir.resolve("rank").resolve("model.json")))
        .contains("rank:ndcg");
    assertThat(ScoringModel.load(dir.resolve("rank")).target()).isEqualTo(PredictionTarget.RANK);
    java.nio.file.Path features = dir.resolve("rank").resolve("features.txt");
    java.nio.file.Files.writeString(
        features, java.nio.file.Files.readString(features) + "user_activity__clicks_1y\n");
    assertThatThrownBy(() -> ScoringModel.load(dir.resolve("rank")))
        .hasMessageContaining("feature 'user_activity__clicks_1y' is not produced");
  }

  @Test
  void theFlinkEngineTrainsAcrossTwoWorkersIntoTheSameKindOfModel() throws Exception {
    // Same rounds on both engines (the distributed one has no early stopping).
    ModelTrainer.Options options = new ModelTrainer.Options(0.2, 1.0, 60, 60, 4, 0.1, 7, "gbtree");
    ScoringModel local = ModelTrainer.train(examples, catalog, PredictionTarget.CTR, options);
    ScoringModel distributed =
        ModelTrainer.train(
            examples, catalog, PredictionTarget.CTR, options, ModelTrainer.Engine.flink(2, null));
    assertThat(distributed.validation().eventIds()).isEqualTo(local.validation().eventIds());
    double localAuc =
        ClassificationMetrics.rocAuc(
            local.validation().predictions(), local.validation().positives());
    double flinkAuc =
        ClassificationMetrics.rocAuc(
            distributed.validation().predictions(), distributed.validation().positives());
    assertThat(flinkAuc).isCloseTo(localAuc, org.assertj.core.data.Offset.offset(0.02));
    distributed.save(dir.resolve("flink-model"));
    ScoringModel loaded = ScoringModel.load(dir.resolve("flink-model"));
    List<TrainingExample> some = examples.subList(0, 50);
    assertThat(loaded.predict(some, catalog)).containsExactly(distributed.predict(some, catalog));
    assertThatThrownBy(
            () ->
                ModelTrainer.train(
                    examples,
                    catalog,
                    PredictionTarget.RANK,
                    options,
                    ModelTrainer.Engine.flink(2, null)))
        .hasMessageContaining("request groups");
  }

  private static long countTrue(boolean[] values) {
    long n = 0;
    for (boolean b : values) {
      n += b ? 1 : 0;
    }
    return n;
  }

  @Test
  void aTableStreamedFromTheStoreTrainsTheSameModelAsTheExamplesInMemory() throws Exception {
    TrainingTable.Builder streamed = TrainingTable.builder(catalog);
    try (FeatureStore store = FeatureStore.open(dir.resolve("home"), null)) {
      store
          .offline()
          .forEachTrainingExample(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 12, 31), streamed);
    }
    TrainingTable table = streamed.build();
    TrainingTable inMemory = TrainingTable.of(examples, catalog);
    assertThat(table.size()).isEqualTo(examples.size());
    // Bit for bit (NaN where missing in both): Arrays.equals compares floats by their bits.
    assertThat(
            Arrays.equals(
                table.values(ModelTrainer.featureNames()),
                inMemory.values(ModelTrainer.featureNames())))
        .isTrue();
    TrainingExample third = examples.get(2);
    assertThat(table.eventId(2)).isEqualTo(third.eventId());
    // Each row holds the example's own values in the model's column order.
    int col =
        ModelTrainer.featureNames()
            .indexOf(TrainingExample.column("user_activity", "impressions_7d"));
    Double expected = third.number("user_activity", "impressions_7d");
    assertThat(table.values(List.of(TrainingExample.column("user_activity", "impressions_7d")))[2])
        .isEqualTo(expected == null ? Float.NaN : expected.floatValue());
    assertThat(col).isNotNegative();

    ModelTrainer.Options options = ModelTrainer.Options.defaults().withMaxRounds(40);
    ScoringModel fromTable =
        ModelTrainer.train(table, PredictionTarget.CTR, options, ModelTrainer.Engine.local());
    ScoringModel fromList = ModelTrainer.train(examples, catalog, PredictionTarget.CTR, options);
    assertThat(fromTable.validation().eventIds()).isEqualTo(fromList.validation().eventIds());
    assertThat(
            Arrays.equals(
                fromTable.validation().predictions(), fromList.validation().predictions()))
        .isTrue();
    assertThat(ModelTrainer.heldOut(table, PredictionTarget.CVR, 0.2).size())
        .isEqualTo(ModelTrainer.heldOut(inMemory, PredictionTarget.CVR, 0.2).size())
        .isPositive();
  }
}
