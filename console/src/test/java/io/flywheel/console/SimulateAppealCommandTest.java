package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flywheel simulate appeal}: copy judged by a simulated world's audiences. */
class SimulateAppealCommandTest {
  @TempDir Path dir;

  @Test
  void judgesAFileOfCopyPerAudienceAndFlagsAWrongPrice() throws IOException {
    Path home = dir.resolve("home");
    Cli.Result simulated =
        run(
            "--home",
            home.toString(),
            "simulate",
            "--users",
            "100",
            "--products",
            "20",
            "--days",
            "1",
            "-q");
    assertThat(simulated.code()).isZero();
    String item =
        "{\"id\":\"%s\",\"kind\":\"ad_copy\",\"locale\":\"%s\",\"title\":\"%s\",\"body\":\"%s\","
            + "\"productIds\":[\"p0\"],\"variantId\":\"v1\",\"generator\":\"test\","
            + "\"generatorVersion\":\"1\",\"safetyVerdict\":\"approved\",\"createdAt\":1}";
    Path copy = dir.resolve("copy.jsonl");
    Files.writeString(
        copy,
        String.format(item, "wrong", "en-US", "Save today", "Now $0.50. Free returns.")
            + "\n"
            + String.format(item, "zh", "zh-CN", "限时优惠", "今天下单，无忧退货。")
            + "\n");
    JsonNode report =
        run("--home", home.toString(), "simulate", "appeal", "--content", copy.toString(), "--json")
            .json();
    assertThat(report.at("/audiences")).hasSize(8);
    for (JsonNode audience : report.at("/audiences")) {
      // One item in each language: each audience is judged on its own language's copy.
      assertThat(audience.at("/items").asInt()).isEqualTo(1);
      assertThat(audience.at("/gap").asDouble()).isNotNegative();
    }
    assertThat(report.at("/items/0/contradictsCatalogue").asBoolean()).isTrue();
    assertThat(report.at("/items/1/contradictsCatalogue").asBoolean()).isFalse();
    assertThat(report.at("/items/1/angles").toString()).contains("urgency", "trust", "savings");

    // Without --content, the world's own stock copy; people get a table.
    Cli.Result table = run("--home", home.toString(), "simulate", "appeal");
    assertThat(table.code()).isZero();
    assertThat(table.out()).contains("bargain/en-US", "oracle", "gap", "0 items state facts");
  }
}
