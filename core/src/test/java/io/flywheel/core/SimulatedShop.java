package io.flywheel.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A simulator run read back into memory, for tests that check what was written. */
record SimulatedShop(
    Path dir,
    SimulationSummary summary,
    List<Product> products,
    List<User> users,
    List<ContentItem> content,
    List<Event> events,
    Map<String, GroundTruth.ImpressionTruth> impressionTruth,
    Map<String, GroundTruth.UserTruth> userTruth) {

  static SimulatedShop simulate(Path dir, SimulationConfig config) {
    try {
      SimulationSummary summary = MarketplaceSimulator.run(config, dir, SimulationProgress.NONE);
      return read(dir, summary);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SimulatedShop read(Path dir, SimulationSummary summary) throws IOException {
    List<Product> products = new ArrayList<>();
    JsonLinesReader.forEach(
        dir.resolve(MarketplaceSimulator.PRODUCTS_FILE), Codecs.PRODUCTS, products::add);
    List<User> users = new ArrayList<>();
    JsonLinesReader.forEach(dir.resolve(MarketplaceSimulator.USERS_FILE), Codecs.USERS, users::add);
    List<ContentItem> content = new ArrayList<>();
    JsonLinesReader.forEach(
        dir.resolve(MarketplaceSimulator.CONTENT_FILE), Codecs.CONTENT, content::add);
    List<Event> events = new ArrayList<>();
    JsonLinesReader.forEach(
        dir.resolve(MarketplaceSimulator.EVENTS_FILE), Codecs.EVENTS, events::add);
    Map<String, GroundTruth.ImpressionTruth> impressions = new HashMap<>();
    Map<String, GroundTruth.UserTruth> userTruth = new HashMap<>();
    JsonLinesReader.forEach(
        dir.resolve(MarketplaceSimulator.TRUTH_FILE),
        Codecs.TRUTH,
        t -> {
          if (t instanceof GroundTruth.ImpressionTruth i) {
            impressions.put(i.eventId(), i);
          } else if (t instanceof GroundTruth.UserTruth u) {
            userTruth.put(u.userId(), u);
          }
        });
    return new SimulatedShop(
        dir, summary, products, users, content, events, impressions, userTruth);
  }

  List<Event> ofType(EventType type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }
}
