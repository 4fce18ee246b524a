package io.flywheel.flink;

import io.flywheel.core.Codecs;
import io.flywheel.core.JsonLinesReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Product → leaf category, read once per task from products.jsonl. */
final class ProductCatalog {
  private ProductCatalog() {}

  static Map<String, String> leafCategories(String productsFile) throws IOException {
    Map<String, String> categories = new HashMap<>();
    JsonLinesReader.forEach(
        Path.of(productsFile), Codecs.PRODUCTS, p -> categories.put(p.id(), p.leafCategory()));
    return categories;
  }
}
