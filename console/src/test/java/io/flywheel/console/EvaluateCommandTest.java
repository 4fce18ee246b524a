package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flywheel evaluate}: a registered version judged on the store's latest examples. Nothing
 * here changes the home, so the class shares one copy of the trained shop.
 */
class EvaluateCommandTest {
  @TempDir static Path dir;

  static ShopWorlds.Trained shop;
  static Path home;

  @BeforeAll
  static void copyTheTrainedShop() {
    shop = ShopWorlds.trained();
    home = ShopWorlds.copy(shop.home(), dir.resolve("home"));
  }

  @Test
  void evaluateScoresAVersionOnTheRowsTrainingHeldOut() {
    int version = shop.championVersion();
    JsonNode e =
        Cli.ok(
                home,
                "evaluate",
                "--model",
                "flywheel-ctr:" + version,
                "--truth",
                ShopWorlds.truth(home).toString(),
                "--json")
            .json();
    assertThat(Cli.text(e, "/model")).isEqualTo("flywheel-ctr");
    assertThat(Cli.integer(e, "/version")).isEqualTo(version);
    assertThat(Cli.at(e, "/aliases").toString()).contains("champion");
    // The same held-out rows as at training time: the same figures.
    assertThat(Cli.number(e, "/metrics/auc"))
        .isEqualTo(Cli.number(shop.champion(), "/metrics/auc"));
    assertThat(Cli.number(e, "/metrics/oracle_auc"))
        .isEqualTo(Cli.number(shop.champion(), "/metrics/oracle_auc"));
  }

  @Test
  void evaluateFindsVersionsByAliasAndTheChampionByDefault() {
    JsonNode challenger =
        Cli.ok(home, "evaluate", "--model", "flywheel-ctr@challenger", "--json").json();
    assertThat(Cli.integer(challenger, "/version")).isEqualTo(shop.challengerVersion());
    assertThat(Cli.number(challenger, "/metrics/auc"))
        .isEqualTo(Cli.number(shop.challenger(), "/metrics/auc"));
    // Without --truth there is no oracle to compare with.
    assertThat(challenger.at("/metrics/oracle_auc").isMissingNode()).isTrue();
    Cli.Result champion = Cli.ok(home, "evaluate", "--model", "flywheel-ctr");
    assertThat(champion.out()).contains("flywheel-ctr", "auc");
    JsonNode byDefault = Cli.ok(home, "evaluate", "--model", "flywheel-ctr", "--json").json();
    assertThat(Cli.integer(byDefault, "/version")).isEqualTo(shop.championVersion());
  }

  @Test
  void evaluateRefusesWhatIsNotRegistered() {
    String missing = "flywheel-ctr:" + (shop.challengerVersion() + 1);
    Cli.Result noVersion = run(home, "evaluate", "--model", missing);
    assertThat(noVersion.code()).isEqualTo(1);
    assertThat(noVersion.err()).contains(missing);
    Cli.Result noModel = run(home, "evaluate", "--model", "flywheel-ltv");
    assertThat(noModel.code()).isEqualTo(2);
    assertThat(noModel.err()).contains("--model", "no registered model named 'flywheel-ltv'");
  }
}
