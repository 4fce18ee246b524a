package io.flywheel.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input stops a command with one clear line and leaves what is stored untouched. */
class BadInputTest {
  @TempDir Path dir;

  private static Cli.Result run(String... args) {
    return Cli.run(args);
  }

  @Test
  void theDeadLetterFileMayNotBeTheInputNotEvenThroughASymlink() throws Exception {
    Path events = dir.resolve("events.jsonl");
    String content = "{\"eventId\":\"e1\"}\nnot json\n";
    Files.writeString(events, content);
    Cli.Result same =
        run("validate", "events", events.toString(), "--dead-letter", events.toString());
    assertThat(same.code()).isEqualTo(2);
    assertThat(same.err()).contains("--dead-letter", "is the input file itself");
    Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), events);
    Cli.Result viaLink =
        run("validate", "events", events.toString(), "--dead-letter", link.toString());
    assertThat(viaLink.code()).isEqualTo(2);
    assertThat(Files.readString(events)).isEqualTo(content);
  }

  @Test
  void aDirectoryGivenAsTheFileIsCalledADirectory() {
    Cli.Result r = run("validate", "events", dir.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("is a directory");
  }

  @Test
  void aWorldTooBigForTheHeapIsRefusedInOneLineBeforeAnythingIsWritten() {
    Path home = dir.resolve("home");
    Cli.Result r =
        run(
            "--home",
            home.toString(),
            "simulate",
            "--users",
            "2000000000",
            "--days",
            "1",
            "--quiet");
    assertThat(r.code()).isNotZero();
    assertThat(r.err())
        .contains("users", "at most", "FLYWHEEL_JAVA_OPTS")
        .doesNotContain("OutOfMemoryError")
        .doesNotContain("\tat ");
    assertThat(r.err().strip().lines()).hasSize(1);
  }

  @Test
  void aBadConfigurationValueStopsTheCommandNamingItsKey() throws Exception {
    Path home = Files.createDirectories(dir.resolve("configured"));
    Files.writeString(home.resolve("flywheel.yaml"), "mlflow:\n  tracking_uri: mlflow:5000\n");
    Cli.Result r = run("--home", home.toString(), "models", "list");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("flywheel.yaml", "'mlflow.tracking_uri'", "http(s) URL");
  }

  @Test
  void readingFeaturesOfAMissingHomeCreatesNothing() {
    Path home = dir.resolve("typo");
    Cli.Result r =
        run("--home", home.toString(), "features", "get", "--view", "user_activity", "--key", "u1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no feature store here");
    assertThat(home).doesNotExist();
  }

  @Test
  void anUnknownModelListsEveryModelTrainAccepts() {
    Cli.Result r = run("--home", dir.toString(), "train", "--model", "ltv");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("ctr", "cvr", "cvr-post-click", "rank", "recs", "'ltv'");
  }

  @Test
  void linesThatAreNotTextAreNamedAndDeadLetteredWhenAsked() throws Exception {
    Path events = dir.resolve("binary.jsonl");
    byte[] good =
        ("{\"eventId\":\"e1\",\"type\":\"click\",\"userId\":\"u1\","
                + "\"productId\":\"p1\",\"timestamp\":10,\"receivedAt\":10}\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.writeBytes(good);
    bytes.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE, 0x00, 0x01, '\n'});
    bytes.writeBytes(good);
    Files.write(events, bytes.toByteArray());

    Cli.Result stop = run("validate", "events", events.toString());
    assertThat(stop.code()).isEqualTo(1);
    assertThat(stop.err()).contains(":2:", "not UTF-8 text", "0xFF").doesNotContain("Input length");

    Path dead = dir.resolve("dead.jsonl");
    Cli.Result goOn =
        run("validate", "events", events.toString(), "--dead-letter", dead.toString(), "--json");
    assertThat(goOn.code()).isZero();
    assertThat(Cli.integer(goOn.json(), "/accepted")).isEqualTo(2);
    assertThat(Cli.integer(goOn.json(), "/rejected")).isEqualTo(1);
    assertThat(Files.readString(dead)).contains("not UTF-8 text");
  }
}
