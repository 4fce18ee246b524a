package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flywheel validate}: fail fast on the first bad record, or dead-letter bad records. */
class ValidateCommandTest {
  @TempDir Path dir;

  @Test
  void validateFailsFastOrDeadLetters() throws IOException {
    Path events = dir.resolve("events.jsonl");
    Files.write(
        events,
        List.of(
            "{\"eventId\":\"e1\",\"type\":\"click\",\"userId\":\"u\",\"productId\":\"p\","
                + "\"timestamp\":5,\"receivedAt\":6}",
            "{\"eventId\":\"e2\",\"type\":\"click\",\"userId\":\"u\",\"productId\":\"p\","
                + "\"timestamp\":\"noon\",\"receivedAt\":6}"));
    Cli.Result failFast = run("validate", "events", events.toString());
    assertThat(failFast.code()).isEqualTo(1);
    assertThat(failFast.err()).contains("events.jsonl:2: field 'timestamp'");

    Path dead = dir.resolve("dead.jsonl");
    Cli.Result lenient =
        run("validate", "events", events.toString(), "--dead-letter", dead.toString(), "--json");
    JsonNode report = lenient.json();
    assertThat(Cli.integer(report, "/accepted")).isEqualTo(1);
    assertThat(Cli.integer(report, "/rejected")).isEqualTo(1);
    assertThat(Files.readAllLines(dead)).hasSize(1).allMatch(line -> line.contains("noon"));

    Cli.Result badKind = run("validate", "orders", events.toString());
    assertThat(badKind.code()).isEqualTo(2);
    assertThat(badKind.err()).contains("KIND", "unknown record kind 'orders'");
  }
}
