package io.flywheel.featurestore;

import io.flywheel.core.AtomicFiles;
import io.flywheel.core.Codecs;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.Product;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shop's products as scoring needs them: leaf category, brand, price, and the median price of
 * the product's leaf category (what "expensive for its kind" is measured against).
 */
public final class ShopCatalog {
  private final Map<String, Product> products;
  private final Map<String, Double> medianPriceByLeaf;

  private ShopCatalog(Map<String, Product> products) {
    this.products = products;
    Map<String, List<Double>> prices = new HashMap<>();
    products
        .values()
        .forEach(
            p -> prices.computeIfAbsent(p.leafCategory(), k -> new ArrayList<>()).add(p.price()));
    Map<String, Double> medians = new HashMap<>();
    prices.forEach(
        (leaf, list) -> {
          list.sort(Double::compare);
          int n = list.size();
          medians.put(
              leaf, n % 2 == 1 ? list.get(n / 2) : (list.get(n / 2 - 1) + list.get(n / 2)) / 2);
        });
    this.medianPriceByLeaf = medians;
  }

  /** Where a feature store's home keeps the catalogue its features were computed with. */
  public static final String HOME_FILE = "catalog/products.jsonl";

  /** Copies {@code productsFile} into {@code home} (atomically replacing an older copy). */
  public static void publish(Path productsFile, Path home) throws IOException {
    Path target = home.resolve(HOME_FILE);
    if (Files.exists(target) && Files.isSameFile(productsFile, target)) {
      return;
    }
    Files.createDirectories(target.getParent());
    AtomicFiles.copy(productsFile, target);
  }

  /** The catalogue published into {@code home} by the feature job. */
  public static ShopCatalog ofHome(Path home) throws IOException {
    Path file = home.resolve(HOME_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "no product catalogue at "
              + file
              + ": run `flywheel features run` "
              + "(it publishes the catalogue with the features) first");
    }
    return load(file);
  }

  public static ShopCatalog load(Path productsFile) throws IOException {
    Map<String, Product> products = new HashMap<>();
    JsonLinesReader.forEach(productsFile, Codecs.PRODUCTS, p -> products.put(p.id(), p));
    return new ShopCatalog(products);
  }

  public static ShopCatalog of(List<Product> products) {
    Map<String, Product> byId = new HashMap<>();
    products.forEach(p -> byId.put(p.id(), p));
    return new ShopCatalog(byId);
  }

  public Optional<Product> product(String id) {
    return Optional.ofNullable(id == null ? null : products.get(id));
  }

  /** Median price of the product's leaf category; NaN when the product is unknown. */
  public double medianPriceOfLeaf(Product product) {
    return medianPriceByLeaf.getOrDefault(product.leafCategory(), Double.NaN);
  }

  public int size() {
    return products.size();
  }

  /** Every product, in no particular order. */
  public java.util.Collection<Product> products() {
    return java.util.Collections.unmodifiableCollection(products.values());
  }
}
