package io.flywheel.content;

import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.Event;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.Product;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small simulated shop, simulated once per test JVM: its catalogue, copy and events. */
final class ShopFixture {
  static final long AS_OF = java.time.Instant.parse("2026-01-12T00:00:00Z").toEpochMilli();
  private static ShopFixture shared;

  final List<Product> products = new ArrayList<>();
  final List<ContentItem> stockCopy = new ArrayList<>();
  final List<Event> events = new ArrayList<>();
  final Path dir;

  private ShopFixture(Path dir) throws Exception {
    this.dir = dir;
    MarketplaceSimulator.run(
        new SimulationConfig(600, 120, 7, 5, 0.0, WorldConfig.defaults()),
        dir,
        SimulationProgress.NONE);
    JsonLinesReader.forEach(dir.resolve("products.jsonl"), Codecs.PRODUCTS, products::add);
    JsonLinesReader.forEach(dir.resolve("content.jsonl"), Codecs.CONTENT, stockCopy::add);
    JsonLinesReader.forEach(dir.resolve("events.jsonl"), Codecs.EVENTS, events::add);
  }

  static synchronized ShopFixture shared() throws Exception {
    if (shared == null) {
      Path dir = Files.createTempDirectory("flywheel-content-shop");
      dir.toFile().deleteOnExit();
      shared = new ShopFixture(dir);
    }
    return shared;
  }

  Map<String, Product> byId() {
    Map<String, Product> map = new LinkedHashMap<>();
    products.forEach(p -> map.put(p.id(), p));
    return map;
  }

  SalesRanking sales() {
    return SalesRanking.measure(events, byId(), AS_OF, 7);
  }

  CatalogFacts catalog() {
    return CatalogFacts.of(products, sales(), AS_OF);
  }
}
