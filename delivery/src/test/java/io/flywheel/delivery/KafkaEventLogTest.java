package io.flywheel.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.featurestore.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery's events on a real Kafka broker: every event once, as JSON lines, keyed by shopper. */
class KafkaEventLogTest {
  @TempDir Path dir;

  @Test
  void impressionsReachTheTopicOnceEachKeyedByShopper() throws Exception {
    List<Event> sent = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      sent.add(
          new Event(
              "r-1-" + i,
              EventType.IMPRESSION,
              "u" + (i % 3),
              "p" + i,
              "c" + i,
              "r-1",
              null,
              i,
              0.5,
              null,
              null,
              "control",
              "v1",
              null,
              null,
              1_767_960_000_000L,
              1_767_960_000_100L,
              null));
    }
    try (KafkaBroker broker = KafkaBroker.start(dir)) {
      try (ImpressionLog log = ImpressionLog.kafka(broker.bootstrapServers(), "events")) {
        log.append(sent.subList(0, 10));
        log.append(sent.subList(10, 25));
        assertThat(log.appended()).isEqualTo(25);
        assertThat(log.describe()).isEqualTo("kafka:" + broker.bootstrapServers() + "/events");
      }
      Properties props = new Properties();
      props.put("bootstrap.servers", broker.bootstrapServers());
      props.put("group.id", "test");
      props.put("auto.offset.reset", "earliest");
      List<ConsumerRecord<String, String>> read = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of("events"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (read.size() < sent.size() && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(200)).forEach(read::add);
        }
      }
      assertThat(read).hasSize(sent.size());
      List<Event> decoded = new ArrayList<>();
      for (ConsumerRecord<String, String> r : read) {
        Event e = Codecs.decodeLine(Codecs.EVENTS, r.value());
        assertThat(r.key()).isEqualTo(e.userId());
        decoded.add(e);
      }
      assertThat(decoded).containsExactlyInAnyOrderElementsOf(sent);
    }
  }
}
