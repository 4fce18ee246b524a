package io.flywheel.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An event file read the way the platform's jobs read it: malformed lines dead-lettered with their
 * reasons, duplicates recognised by event id, and the busiest shopper found.
 *
 * @param busiestUser the shopper with the most events (null for an empty file)
 */
public record StreamAudit(long accepted, long duplicates, long rejected, String busiestUser) {

  public static StreamAudit of(Path eventsFile, Path deadLetters) throws IOException {
    Set<String> seen = new HashSet<>();
    Map<String, Integer> perUser = new HashMap<>();
    long[] duplicates = {0};
    try (DeadLetterFile dead = new DeadLetterFile(deadLetters);
        JsonLinesReader<Event> reader = JsonLinesReader.open(eventsFile, Codecs.EVENTS, dead)) {
      reader.forEachRemaining(
          event -> {
            perUser.merge(event.userId(), 1, Integer::sum);
            if (!seen.add(event.eventId())) {
              duplicates[0]++;
            }
          });
      String busiest =
          perUser.entrySet().stream()
              .max(Map.Entry.comparingByValue())
              .map(Map.Entry::getKey)
              .orElse(null);
      return new StreamAudit(reader.accepted(), duplicates[0], reader.rejected(), busiest);
    }
  }
}
