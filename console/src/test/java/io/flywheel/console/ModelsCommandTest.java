package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flywheel models list|show|alias} on a copy of the trained shop. */
class ModelsCommandTest {
  @TempDir Path dir;

  @Test
  void listNamesEveryRegisteredModelWithItsLatestVersion() {
    ShopWorlds.Trained shop = ShopWorlds.trained();
    Path home = ShopWorlds.copy(shop.home(), dir.resolve("home"));
    JsonNode listed = Cli.ok(home, "models", "list", "--json").json();
    assertThat(listed.findValuesAsText("name"))
        .containsExactlyInAnyOrder("flywheel-ctr", "flywheel-recs");
    Cli.Result text = Cli.ok(home, "models", "list");
    assertThat(text.out())
        .contains("flywheel-ctr", "latest v" + shop.challengerVersion(), "flywheel-recs");

    Cli.Result empty = Cli.ok(dir.resolve("empty"), "models", "list");
    assertThat(empty.out()).contains("no registered models yet");
  }

  @Test
  void aliasMovesTheChampionAndShowListsVersionsNewestFirst() {
    ShopWorlds.Trained shop = ShopWorlds.trained();
    Path home = ShopWorlds.copy(shop.home(), dir.resolve("home"));
    int challenger = shop.challengerVersion();
    Cli.Result alias =
        Cli.ok(home, "models", "alias", "flywheel-ctr", "champion", Integer.toString(challenger));
    assertThat(alias.out()).contains("flywheel-ctr@champion -> version " + challenger);

    JsonNode shown = Cli.ok(home, "models", "show", "flywheel-ctr", "--json").json();
    JsonNode versions = Cli.at(shown, "/versions");
    assertThat(versions.size()).isEqualTo(2);
    assertThat(Cli.integer(versions, "/0/version")).isEqualTo(challenger);
    assertThat(Cli.at(versions, "/0/aliases").toString()).contains("champion", "challenger");
    assertThat(Cli.text(versions, "/0/tags/flywheel.data_hash")).hasSize(16);
    assertThat(Cli.number(versions, "/0/metrics/auc")).isPositive();
    assertThat(Cli.integer(versions, "/1/version")).isEqualTo(shop.championVersion());
    assertThat(Cli.at(versions, "/1/aliases")).isEmpty();
    // Both versions were trained on the same rows.
    assertThat(Cli.text(versions, "/1/tags/flywheel.data_hash"))
        .isEqualTo(Cli.text(versions, "/0/tags/flywheel.data_hash"));

    Cli.Result text = Cli.ok(home, "models", "show", "flywheel-ctr");
    assertThat(text.out()).contains("v" + challenger + " ", "auc ");
  }

  @Test
  void showRefusesAModelThatIsNotRegistered() {
    Cli.Result noModel = run(dir.resolve("empty"), "models", "show", "flywheel-ltv");
    assertThat(noModel.code()).isEqualTo(2);
    assertThat(noModel.err()).contains("no registered model named 'flywheel-ltv'");
  }
}
