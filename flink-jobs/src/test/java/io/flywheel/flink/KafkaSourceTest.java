package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.featurestore.KafkaBroker;
import io.flywheel.featurestore.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulator events produced to a real Kafka broker (KRaft, in this JVM) are read by the streaming
 * feature job, which keeps the online store fresh while the topic stays open.
 */
class KafkaSourceTest {
  @TempDir Path dir;

  @Test
  void theStreamingJobComputesFeaturesFromATopic() throws Exception {
    Path world = dir.resolve("world");
    MarketplaceSimulator.run(
        new SimulationConfig(80, 20, 2, 13, 0, WorldConfig.defaults()),
        world,
        SimulationProgress.NONE);
    List<String> lines = new ArrayList<>(Files.readAllLines(world.resolve("events.jsonl")));
    // Dirt on the wire: a malformed record and a second delivery of the first event.
    lines.add(lines.size() / 2, "{\"eventId\": \"broken\"");
    lines.add(lines.size() / 2, lines.get(0));
    ReplayReference reference =
        new ReplayReference(world.resolve("events.jsonl"), 5_000, 3_600_000);

    // The online store on Redis: the test reads it while the job writes.
    try (KafkaBroker broker = KafkaBroker.start(dir);
        RedisServer redis = RedisServer.start(dir)) {
      produce(broker.bootstrapServers(), "events", lines);
      FeatureJobOptions options =
          FeatureJobOptions.streaming(
                  new FeatureJobOptions.KafkaTopic(broker.bootstrapServers(), "events", "test"),
                  world.resolve("products.jsonl").toString(),
                  dir.resolve("home").toString())
              .withRedisUrl(redis.url())
              .withFlinkRestUrl(null)
              // No checkpoint during the test: online values must not wait for one.
              .withCheckpointInterval(Duration.ofHours(1));
      assertThat(options.bounded()).isFalse();

      try (StreamingFeatureJobs jobs = FeatureJob.start(options)) {
        jobs.awaitRunning(Duration.ofMinutes(1));
        StreamingCatchUp.assertCaughtUp(
            jobs, reference, lines.size(), dir.resolve("home"), redis.url(), Duration.ofMinutes(2));
      }
    }
  }

  private static void produce(String bootstrap, String topic, List<String> lines) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", "all");
    props.put("linger.ms", "5");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (String line : lines) {
        producer.send(new ProducerRecord<>(topic, line));
      }
      producer.flush();
    }
  }
}
