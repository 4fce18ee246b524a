package io.flywheel.core;

import static io.flywheel.core.InvalidRecordException.require;
import static io.flywheel.core.InvalidRecordException.requireText;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A catalogue item.
 *
 * @param categoryPath from the top category down, e.g. {@code [Home, Kitchen]}
 * @param listedAt when it became available, epoch ms (products arrive over time: cold start)
 */
public record Product(
    String id,
    String title,
    List<String> categoryPath,
    String brand,
    double price,
    Map<String, String> attributes,
    String description,
    long listedAt) {

  public Product {
    requireText(id, "id");
    requireText(title, "title");
    require(
        categoryPath != null && !categoryPath.isEmpty(),
        "categoryPath",
        "must name at least one category");
    categoryPath = List.copyOf(categoryPath);
    require(
        categoryPath.stream().noneMatch(String::isBlank),
        "categoryPath",
        "must not contain blank categories");
    requireText(brand, "brand");
    require(
        price >= 0 && Double.isFinite(price), "price", "must be a finite number >= 0, got ", price);
    attributes =
        attributes == null || attributes.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    description = description == null ? "" : description;
    require(listedAt > 0, "listedAt", "must be a positive epoch-millisecond time, got ", listedAt);
  }

  /** The most specific category, the one features and affinities are kept for. */
  public String leafCategory() {
    return categoryPath.get(categoryPath.size() - 1);
  }

  public String topCategory() {
    return categoryPath.get(0);
  }
}
