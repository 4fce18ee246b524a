package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flywheel train}: the CTR model on a shop large enough to learn from, a second version
 * judged against the first on the same rows, and the recommenders.
 */
class TrainCommandTest {
  /**
   * A shop of 2,000 shoppers and 100 products over 3 days: about 110 clicks among the held-out
   * rows, where the demo-sized shop has about 14 and a model's AUC there says nothing (it came out
   * at 0.45 there; here at 0.66, its 95% interval 0.62-0.72). Two days gave 60 clicks and an
   * interval reaching below 0.5 once the simulator read copy: too few clicks to judge on.
   */
  @TempDir static Path larger;

  /** What {@code train --model ctr --truth ... --json} printed on the larger shop. */
  static JsonNode trained;

  @TempDir Path dir;

  @BeforeAll
  static void trainOnALargerShop() {
    Cli.ok(larger, "simulate", "--users", "2000", "--products", "100", "--days", "3", "-q");
    Cli.ok(larger, "features", "run", "-q");
    trained =
        Cli.ok(
                larger,
                "train",
                "--model",
                "ctr",
                "--truth",
                ShopWorlds.truth(larger).toString(),
                "--json",
                "-q")
            .json();
  }

  @Test
  void theFirstCtrVersionIsTheChampionAndRanksClicksShortOfTheOracle() {
    JsonNode t = trained;
    assertThat(Cli.text(t, "/model")).isEqualTo("flywheel-ctr");
    // The registry was empty: the first version is the champion.
    assertThat(Cli.integer(t, "/version")).isEqualTo(1);
    assertThat(Cli.text(t, "/alias")).isEqualTo("champion");
    assertThat(Cli.text(t, "/runId")).hasSize(32);
    assertThat(Cli.text(t, "/engine")).isEqualTo("local");
    assertThat(Cli.number(t, "/metrics/positives")).isGreaterThan(60);
    double auc = Cli.number(t, "/metrics/auc");
    double oracle = Cli.number(t, "/metrics/oracle_auc");
    // The simulator's true probabilities rank clicks well; the model, from the store's
    // features alone, clearly better than chance and clearly short of them.
    assertThat(oracle).isGreaterThan(0.7).isLessThan(1.0);
    assertThat(auc)
        .isGreaterThan(0.55)
        .isLessThan(oracle)
        .isBetween(Cli.number(t, "/metrics/auc_lower"), Cli.number(t, "/metrics/auc_upper"));
    assertThat(Cli.number(t, "/metrics/auc_lower")).isGreaterThan(0.5);
    assertThat(Cli.number(t, "/metrics/oracle_ratio")).isCloseTo(auc / oracle, Offset.offset(1e-9));
    // Nothing to be judged against yet.
    assertThat(t.at("/metrics/auc_vs_champion").isMissingNode()).isTrue();
    assertThat(larger.resolve("training").resolve(Cli.text(t, "/runId"))).isDirectory();
  }

  /** The second CTR training on the shared small shop (see {@link ShopWorlds#trained()}). */
  @Test
  void aSecondCtrVersionIsAChallengerJudgedOnTheSameRows() {
    ShopWorlds.Trained shop = ShopWorlds.trained();
    assertThat(Cli.text(shop.champion(), "/alias")).isEqualTo("champion");
    JsonNode t = shop.challenger();
    assertThat(Cli.integer(t, "/version")).isEqualTo(shop.championVersion() + 1);
    assertThat(Cli.text(t, "/alias")).isEqualTo("challenger");
    assertThat(Cli.text(t, "/runId")).hasSize(32).isNotEqualTo(Cli.text(shop.champion(), "/runId"));
    // Same data, same seed: the challenger equals the champion on the same rows.
    assertThat(Cli.number(t, "/metrics/auc"))
        .isEqualTo(Cli.number(shop.champion(), "/metrics/auc"));
    assertThat(Cli.number(t, "/metrics/auc_vs_champion")).isZero();
    assertThat(Cli.number(t, "/metrics/auc_vs_champion_lower")).isLessThanOrEqualTo(0.0);
    assertThat(Cli.number(t, "/metrics/auc_vs_champion_upper")).isGreaterThanOrEqualTo(0.0);
  }

  /** The recommenders trained on the shared small shop (see {@link ShopWorlds#trained()}). */
  @Test
  void recsTrainsTheRecommendersAndRegistersTheBest() {
    JsonNode r = ShopWorlds.trained().recs();
    assertThat(Cli.text(r, "/model")).isEqualTo("flywheel-recs");
    // The first recommender version on that shop.
    assertThat(Cli.integer(r, "/version")).isEqualTo(1);
    String best = Cli.text(r, "/best");
    assertThat(best).isIn("global_popularity", "category_popularity", "covisitation");
    // One tracked run per recommender; the registered one has the highest NDCG of them.
    JsonNode runs = Cli.at(r, "/runIds");
    assertThat(runs.size()).isEqualTo(3);
    double bestNdcg = Cli.number(r, "/figures/" + best + "/ndcg");
    runs.fieldNames()
        .forEachRemaining(
            name -> {
              assertThat(Cli.text(runs, "/" + name)).hasSize(32);
              assertThat(bestNdcg)
                  .as(name)
                  .isGreaterThanOrEqualTo(Cli.number(r, "/figures/" + name + "/ndcg"));
            });
    assertThat(Cli.number(r, "/figures/preference_oracle/ndcg")).isBetween(0.0, 1.0);
    assertThat(Cli.number(r, "/figures/covisitation/catalog_coverage")).isPositive();
    assertThat(Cli.integer(r, "/shoppersJudged")).isPositive();
  }

  @Test
  void anUnknownModelExitsTwoNamingIt() {
    Cli.Result badModel = run(dir, "train", "--model", "ltv");
    assertThat(badModel.code()).isEqualTo(2);
    assertThat(badModel.err()).contains("--model", "ltv");
  }
}
