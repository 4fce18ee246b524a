package io.flywheel.delivery;

import io.flywheel.content.CopyLocale;
import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.SafetyVerdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The copy that may be shown, by product: approved items only (held or refused copy never reaches a
 * shopper). Read once at start from the shop's content file and every campaign's approved copy; a
 * later item with the same id replaces an earlier one.
 */
public final class CopyShelf {
  private final Map<String, List<ContentItem>> byProduct;
  private final int size;

  private CopyShelf(Map<String, List<ContentItem>> byProduct, int size) {
    this.byProduct = byProduct;
    this.size = size;
  }

  public static CopyShelf of(Collection<ContentItem> items) {
    Map<String, ContentItem> byId = new LinkedHashMap<>();
    for (ContentItem item : items) {
      if (item.safetyVerdict() == SafetyVerdict.APPROVED && !item.productIds().isEmpty()) {
        byId.put(item.id(), item);
      }
    }
    Map<String, List<ContentItem>> byProduct = new HashMap<>();
    for (ContentItem item : byId.values()) {
      byProduct.computeIfAbsent(item.productIds().get(0), p -> new ArrayList<>()).add(item);
    }
    byProduct.replaceAll((p, list) -> List.copyOf(list));
    return new CopyShelf(byProduct, byId.size());
  }

  /** The approved items of these JSON-lines files (missing files are skipped). */
  public static CopyShelf load(List<Path> files) throws IOException {
    List<ContentItem> items = new ArrayList<>();
    for (Path file : files) {
      if (Files.isRegularFile(file)) {
        JsonLinesReader.forEach(file, Codecs.CONTENT, items::add);
      }
    }
    return of(items);
  }

  /** Every campaign's approved copy in a home, {@code content/campaigns/<run>/approved.jsonl}. */
  public static List<Path> campaignFiles(Path home) throws IOException {
    List<Path> files = new ArrayList<>();
    Path campaigns = home.resolve("content").resolve("campaigns");
    if (Files.isDirectory(campaigns)) {
      try (Stream<Path> runs = Files.list(campaigns)) {
        runs.filter(Files::isDirectory)
            .sorted()
            .map(run -> run.resolve("approved.jsonl"))
            .forEach(files::add);
      }
    }
    return files;
  }

  /** This product's approved copy in {@code locale} (any locale when null). */
  public List<ContentItem> copyFor(String productId, CopyLocale locale) {
    List<ContentItem> all = byProduct.getOrDefault(productId, List.of());
    if (locale == null) {
      return all;
    }
    List<ContentItem> matching = new ArrayList<>(all.size());
    for (ContentItem item : all) {
      if (item.locale().equalsIgnoreCase(locale.tag())) {
        matching.add(item);
      }
    }
    return matching;
  }

  public int size() {
    return size;
  }

  public int products() {
    return byProduct.size();
  }
}
