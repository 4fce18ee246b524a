package io.flywheel.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.core.Product;
import io.flywheel.evaluation.ClassificationMetrics;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer on examples with a planted signal: clicks depend on the shopper's 7-day CTR and
 * nothing else, so a working trainer must find that column and rank later clicks well above chance.
 * (Training on the feature job's own output is tested in the Flink jobs module.)
 */
class ModelTrainerTest {
  private static final long DAY = 86_400_000L;
  @TempDir static Path dir;
  static List<TrainingExample> examples;
  static ShopCatalog catalog;

  @BeforeAll
  static void plantedExamples() {
    List<Product> products = new ArrayList<>();
    for (int p = 0; p < 20; p++) {
      products.add(
          new Product(
              "p" + p,
              "Product " + p,
              List.of("Toys", "Blocks"),
              "brand" + p % 3,
              10 + p,
              Map.of(),
              "",
              1_700_000_000_000L));
    }
    catalog = ShopCatalog.of(products);
    Random random = new Random(3);
    examples = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      double ctr = random.nextDouble() * 0.3;
      boolean clicked = random.nextDouble() < 0.01 + ctr;
      Map<String, Object> features = new HashMap<>();
      features.put(TrainingExample.column("user_activity", "ctr_7d"), ctr);
      features.put(
          TrainingExample.column("product_stats", "impressions_7d"), (double) random.nextInt(100));
      examples.add(
          new TrainingExample(
              "e" + i,
              "r" + i / 4,
              "u" + random.nextInt(300),
              "p" + random.nextInt(20),
              "c1",
              null,
              null,
              null,
              null,
              1 + i % 4,
              null,
              1_767_225_600_000L + i * (10 * DAY / 4000),
              clicked,
              clicked && random.nextDouble() < 0.2,
              features));
    }
  }

  @Test
  void theModelFindsThePlantedSignalOnLaterExamplesAndSurvivesSaveAndLoad() throws Exception {
    ScoringModel model =
        ModelTrainer.train(
            examples, catalog, PredictionTarget.CTR, ModelTrainer.Options.defaults());
    ModelTrainer.Validation v = model.validation();
    assertThat(v.eventIds()).hasSize(800);
    // Time split: the held-out rows are the latest 20 % (ids were issued in time order).
    assertThat(
            v.eventIds().stream()
                .mapToInt(id -> Integer.parseInt(id.substring(1)))
                .min()
                .orElseThrow())
        .isGreaterThanOrEqualTo(3200);
    // The planted truth (0.01 + ctr_7d) is the best any model can rank with: get close to it.
    Map<String, TrainingExample> byId = new HashMap<>();
    examples.forEach(x -> byId.put(x.eventId(), x));
    double[] truth =
        v.eventIds().stream()
            .mapToDouble(id -> byId.get(id).number("user_activity", "ctr_7d"))
            .toArray();
    double oracle = ClassificationMetrics.rocAuc(truth, v.positives());
    assertThat(oracle).isGreaterThan(0.6);
    assertThat(ClassificationMetrics.rocAuc(v.predictions(), v.positives()))
        .isGreaterThan(0.95 * oracle);
    assertThat(model.importance().get(0).getKey()).isEqualTo("user_activity__ctr_7d");

    model.save(dir.resolve("ctr"));
    ScoringModel loaded = ScoringModel.load(dir.resolve("ctr"));
    List<TrainingExample> some = examples.subList(0, 50);
    assertThat(loaded.predict(some, catalog)).containsExactly(model.predict(some, catalog));
  }

  @Test
  void aTableTrainsTheSameModelAsTheExamplesItHolds() throws Exception {
    ScoringModel fromList =
        ModelTrainer.train(
            examples, catalog, PredictionTarget.CTR, ModelTrainer.Options.defaults());
    TrainingTable.Builder builder = TrainingTable.builder(catalog);
    examples.forEach(builder);
    ScoringModel fromTable =
        ModelTrainer.train(
            builder.build(),
            PredictionTarget.CTR,
            ModelTrainer.Options.defaults(),
            ModelTrainer.Engine.local());
    assertThat(fromTable.validation().predictions())
        .containsExactly(fromList.validation().predictions());
  }

  @Test
  void tooFewExamplesOrOneOutcomeOnlyAreRefusedWithTheReason() {
    assertThatThrownBy(
            () ->
                ModelTrainer.train(
                    examples.subList(0, 10),
                    catalog,
                    PredictionTarget.CTR,
                    ModelTrainer.Options.defaults()))
        .hasMessageContaining("at least 20 are needed");
    List<TrainingExample> noClicks = examples.stream().filter(x -> !x.clicked()).toList();
    assertThatThrownBy(
            () ->
                ModelTrainer.train(
                    noClicks, catalog, PredictionTarget.CTR, ModelTrainer.Options.defaults()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withoutTheFlinkJobsModuleTheDistributedEngineSaysWhatToAdd() {
    assertThatThrownBy(
            () ->
                ModelTrainer.train(
                    examples,
                    catalog,
                    PredictionTarget.CTR,
                    ModelTrainer.Options.defaults(),
                    ModelTrainer.Engine.flink(2, null)))
        .hasMessageContaining("no distributed engine on the classpath");
  }
}
