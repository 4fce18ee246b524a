package io.flywheel.delivery;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Events to a Kafka topic as JSON lines, keyed by shopper so one shopper's events stay in order.
 * Idempotent producer with acks from all replicas: a retried send is not written twice.
 */
final class KafkaEventLog implements ImpressionLog {
  private static final long SEND_TIMEOUT_MILLIS = 5_000;

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final String bootstrap;
  private final AtomicLong appended = new AtomicLong();

  KafkaEventLog(String bootstrapServers, String topic) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, SEND_TIMEOUT_MILLIS);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT_MILLIS * 2);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT_MILLIS);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    this.topic = topic;
    this.bootstrap = bootstrapServers;
  }

  @Override
  public void append(List<Event> events) throws IOException {
    List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
    for (Event event : events) {
      sent.add(
          producer.send(
              new ProducerRecord<>(
                  topic, event.userId(), Codecs.encodeLine(Codecs.EVENTS, event))));
    }
    try {
      for (Future<RecordMetadata> f : sent) {
        f.get(SEND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending events to Kafka topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("sending events to Kafka topic " + topic + " failed: " + e, e);
    }
    appended.addAndGet(events.size());
  }

  @Override
  public long appended() {
    return appended.get();
  }

  @Override
  public String describe() {
    return "kafka:" + bootstrap + "/" + topic;
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
