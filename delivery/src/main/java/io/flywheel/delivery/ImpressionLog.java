package io.flywheel.delivery;

import io.flywheel.core.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where delivery writes the events it produces (impressions) and collects (clicks, carts,
 * purchases): the same stream the feature jobs read, so features, labels and conversion counts
 * follow with no extra step.
 */
public interface ImpressionLog extends AutoCloseable {

  /** Appends the events in order; a failure is an {@link IOException} and nothing is half-done. */
  void append(List<Event> events) throws IOException;

  /** Events appended since start. */
  long appended();

  /** A short description for /health, e.g. {@code file:/home/events/delivery.jsonl}. */
  String describe();

  @Override
  void close() throws IOException;

  /** An append-only JSON-lines file (created with its folders when missing). */
  static ImpressionLog file(Path file) throws IOException {
    return new EventFileLog(file);
  }

  /**
   * A Kafka topic on {@code bootstrapServers}, keyed by shopper (one shopper's events in order).
   */
  static ImpressionLog kafka(String bootstrapServers, String topic) {
    return new KafkaEventLog(bootstrapServers, topic);
  }
}
