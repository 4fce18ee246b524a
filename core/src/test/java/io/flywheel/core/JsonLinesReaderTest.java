package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesReaderTest {
  @TempDir Path dir;

  private static String click(String id, long ts) {
    return "{\"eventId\":\""
        + id
        + "\",\"type\":\"click\",\"userId\":\"u1\",\"productId\":\"p1\","
        + "\"timestamp\":"
        + ts
        + ",\"receivedAt\":"
        + ts
        + "}";
  }

  private Path file(String... lines) throws IOException {
    Path path = dir.resolve("events.jsonl");
    Files.write(path, List.of(lines));
    return path;
  }

  @Test
  void failFastStopsAtTheFirstBadLineWithItsNumberAndField() throws IOException {
    Path path = file(click("e1", 10), "", click("e2", 11), click("e3", -4), click("e4", 12));
    List<String> seen = new ArrayList<>();
    assertThatThrownBy(
            () -> JsonLinesReader.forEach(path, Codecs.EVENTS, e -> seen.add(e.eventId())))
        .isInstanceOfSatisfying(
            BadRecordException.class,
            e -> {
              assertThat(e.badRecord().lineNumber()).isEqualTo(4);
              assertThat(e.badRecord().field()).isEqualTo("timestamp");
              assertThat(e.getMessage()).contains("events.jsonl:4: field 'timestamp'");
            });
    assertThat(seen).containsExactly("e1", "e2");
  }

  @Test
  void deadLetterModeKeepsGoingAndRecordsEveryBadLine() throws IOException {
    Path path =
        file(
            click("e1", 10),
            "not json",
            click("e2", 11),
            click("e3", 12).replace("\"click\"", "\"hover\""),
            click("e4", 13));
    Path deadPath = dir.resolve("dead").resolve("events.jsonl");
    List<String> good = new ArrayList<>();
    try (DeadLetterFile dead = new DeadLetterFile(deadPath);
        JsonLinesReader<Event> reader = JsonLinesReader.open(path, Codecs.EVENTS, dead)) {
      reader.forEachRemaining(e -> good.add(e.eventId()));
      assertThat(reader.accepted()).isEqualTo(3);
      assertThat(reader.rejected()).isEqualTo(2);
      assertThat(dead.count()).isEqualTo(2);
    }
    assertThat(good).containsExactly("e1", "e2", "e4");
    List<JsonNode> letters = new ArrayList<>();
    for (String line : Files.readAllLines(deadPath)) {
      letters.add(Codecs.MAPPER.readTree(line));
    }
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0).get("line").asLong()).isEqualTo(2);
    assertThat(letters.get(0).get("field").asText()).isEqualTo("line");
    assertThat(letters.get(0).get("raw").asText()).isEqualTo("not json");
    assertThat(letters.get(1).get("line").asLong()).isEqualTo(4);
    assertThat(letters.get(1).get("field").asText()).isEqualTo("type");
    assertThat(letters.get(1).get("reason").asText()).contains("unknown event type \"hover\"");
    assertThat(letters.get(1).get("source").asText()).isEqualTo(path.toString());
  }

  @Test
  void writerAndReaderAgreeOnManyRecords() throws IOException {
    Path path = dir.resolve("many.jsonl");
    try (JsonLinesWriter<Event> writer = JsonLinesWriter.create(path, Codecs.EVENTS)) {
      for (int i = 0; i < 10_000; i++) {
        writer.write(Codecs.decodeLine(Codecs.EVENTS, click("e" + i, 1_000 + i)));
      }
      assertThat(writer.lines()).isEqualTo(10_000);
    }
    long[] sum = {0};
    try (JsonLinesReader<Event> reader =
        JsonLinesReader.open(path, Codecs.EVENTS, BadRecordHandler.failFast())) {
      reader.forEachRemaining(e -> sum[0] += e.timestamp());
      assertThat(reader.accepted()).isEqualTo(10_000);
      assertThat(reader.lineNumber()).isEqualTo(10_000);
    }
    assertThat(sum[0]).isEqualTo(10_000L * 1_000 + 10_000L * 9_999 / 2);
  }
}
