package io.flywheel.content;

import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.Event;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.Product;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shop's files content is written from and to: the catalogue, the events, the copy. */
public final class ContentFiles {
  private ContentFiles() {}

  public static List<Product> products(Path file) throws IOException {
    List<Product> products = new ArrayList<>();
    JsonLinesReader.forEach(file, Codecs.PRODUCTS, products::add);
    return products;
  }

  public static List<ContentItem> items(Path file) throws IOException {
    List<ContentItem> items = new ArrayList<>();
    JsonLinesReader.forEach(file, Codecs.CONTENT, items::add);
    return items;
  }

  /**
   * The catalogue and what the events measured (bestsellers of the last 7 days), as of {@code
   * asOf}, or just after the last event when it is null (now when there are no events).
   */
  public static CatalogFacts catalog(List<Product> products, Path events, Instant asOf)
      throws IOException {
    Map<String, Product> byId = new LinkedHashMap<>();
    products.forEach(p -> byId.put(p.id(), p));
    SalesRanking sales = SalesRanking.none();
    long at = asOf == null ? System.currentTimeMillis() : asOf.toEpochMilli();
    if (events != null) {
      List<Event> all = new ArrayList<>();
      try (JsonLinesReader<Event> reader =
          // The stream carries dirt by design; a bad line only means one purchase less counted.
          JsonLinesReader.open(events, Codecs.EVENTS, bad -> {})) {
        reader.forEachRemaining(all::add);
      }
      if (asOf == null) {
        at = all.stream().mapToLong(Event::timestamp).max().orElse(at) + 1;
      }
      sales = SalesRanking.measure(all, byId, at, 7);
    }
    return CatalogFacts.of(products, sales, at);
  }
}
