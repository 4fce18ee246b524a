package io.flywheel.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flywheel.content.LocalElasticsearch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flywheel content}: generate, check, index into a real Elasticsearch node (started for the
 * command, data under HOME/elasticsearch) and search, personalised from the online store.
 */
class ContentCommandTest {
  @TempDir Path dir;

  @Test
  void generateCheckIndexAndSearchEndToEnd() throws Exception {
    Path home = ShopWorlds.copy(ShopWorlds.featured().home(), dir.resolve("home"));
    String products = home.resolve("world/products.jsonl").toString();
    String events = home.resolve("world/events.jsonl").toString();

    Cli.Result generated =
        Cli.ok(
            home,
            "content",
            "generate",
            "--products",
            products,
            "--events",
            events,
            "--limit",
            "10",
            "--variants",
            "2");
    Path file = home.resolve("content/generated.jsonl");
    assertThat(generated.out()).contains("wrote").contains("en-US, zh-CN");
    assertThat(Files.readAllLines(file)).hasSize(10 * 5 * 2 * 2);

    // A hand-written bad item joins the generated ones: a price the catalogue does not state.
    String bad =
        "{\"id\":\"bad-1\",\"kind\":\"ad_copy\",\"locale\":\"en-US\",\"title\":\"Deal\","
            + "\"body\":\"Only $0.99 today.\",\"productIds\":[\"p0\"],\"variantId\":\"v1\","
            + "\"generator\":\"hand\",\"generatorVersion\":\"1\",\"safetyVerdict\":\"pending\","
            + "\"createdAt\":1}";
    Files.writeString(file, bad + "\n", java.nio.file.StandardOpenOption.APPEND);
    Cli.Result checked =
        Cli.ok(
            home,
            "content",
            "check",
            file.toString(),
            "--products",
            products,
            "--events",
            events,
            "--json");
    List<JsonNode> verdicts = new ArrayList<>();
    for (String line : checked.out().strip().split("\n")) {
      verdicts.add(Cli.parse(line));
    }
    assertThat(verdicts).hasSize(201);
    JsonNode last = verdicts.get(200);
    assertThat(last.path("id").asText()).isEqualTo("bad-1");
    assertThat(last.path("verdict").asText()).isEqualTo("rejected");
    assertThat(last.path("findings").get(0).path("reason").asText()).isEqualTo("price_mismatch");
    assertThat(verdicts.subList(0, 200))
        .allMatch(v -> v.path("verdict").asText().equals("approved"));
    assertThat(Files.readAllLines(home.resolve("content/approved.jsonl"))).hasSize(200);
    assertThat(Files.readString(home.resolve("content/held.jsonl"))).contains("price_mismatch");

    Cli.Result indexed = Cli.ok(home, "content", "index", "--products", products);
    assertThat(indexed.out()).contains("indexed 250 documents (50 products, 200 approved items");
    // The node stopped with the command; the next command's node finds the index on disk.

    Cli.Result zh =
        Cli.ok(home, "content", "search", "拼图 玩具", "--locale", "zh-CN", "--k", "5", "--json");
    assertThat(zh.out()).isNotBlank();
    for (String line : zh.out().strip().split("\n")) {
      JsonNode hit = Cli.parse(line);
      assertThat(hit.path("locale").asText()).isIn("zh-CN", "any");
    }
    // The rest through a configured cluster (elasticsearch.url): one node for both searches.
    try (LocalElasticsearch node =
        LocalElasticsearch.start(home.resolve("elasticsearch"), 0, 512, l -> {})) {
      Files.writeString(
          home.resolve("flywheel.yaml"), "elasticsearch:\n  url: " + node.url() + "\n");
      searchThroughTheConfiguredCluster(home, events);
    }
  }

  private static void searchThroughTheConfiguredCluster(Path home, String events) throws Exception {
    Cli.Result ads =
        Cli.ok(home, "content", "search", "great value", "--kind", "ad_copy", "--json");
    assertThat(ads.err()).doesNotContain("starting a local Elasticsearch");
    assertThat(ads.out().strip().split("\n"))
        .allSatisfy(l -> assertThat(Cli.parse(l).path("kind").asText()).isEqualTo("ad_copy"));
    // Personalised by the busiest shopper's affinities, read from the online feature store.
    String user = null;
    for (String line : Files.readAllLines(Path.of(events))) {
      if (line.contains("\"type\":\"click\"")) {
        user = Cli.parse(line).path("userId").asText();
        break;
      }
    }
    assertThat(user).isNotNull();
    assertThat(Cli.ok(home, "content", "search", "something nice", "--user", user).out())
        .isNotBlank();
  }

  @Test
  void badArgumentsAreRefusedNamingTheOption() throws Exception {
    Path home = dir.resolve("bad");
    Path products = Files.createDirectories(home).resolve("products.jsonl");
    Files.writeString(
        products,
        "{\"id\":\"p0\",\"title\":\"Norwave Kettle K1\",\"categoryPath\":[\"Home\",\"Kitchen\"],"
            + "\"brand\":\"Norwave\",\"price\":10.0,\"listedAt\":1}\n");
    Cli.Result kinds =
        Cli.run(
            home, "content", "generate", "--products", products.toString(), "--kinds", "poster");
    assertThat(kinds.code()).isNotZero();
    assertThat(kinds.err()).contains("--kinds").contains("poster");
    Cli.Result locale =
        Cli.run(
            home, "content", "generate", "--products", products.toString(), "--locales", "fr-FR");
    assertThat(locale.err()).contains("--locales: unsupported locale 'fr-FR'");
    Cli.Result reviews =
        Cli.run(
            home,
            "content",
            "generate",
            "--products",
            products.toString(),
            "--brief",
            "write customer reviews");
    assertThat(reviews.code()).isEqualTo(1);
    assertThat(reviews.err()).contains("does not write reviews");
    Cli.Result missing =
        Cli.run(home, "content", "check", "nope.jsonl", "--products", products.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.jsonl");
    Cli.Result mode = Cli.run(home, "content", "search", "x", "--mode", "fuzzy");
    assertThat(mode.code()).isEqualTo(2);
    assertThat(mode.err()).contains("--mode");
  }
}
