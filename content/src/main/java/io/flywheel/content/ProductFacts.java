package io.flywheel.content;

import io.flywheel.core.Product;
import java.util.Optional;

/**
 * Everything copy about one product may say: the catalogue's facts (title, brand, category, price,
 * attributes, a discount when the catalogue carries {@value #DISCOUNT_ATTRIBUTE}) and what Flywheel
 * measured (a bestseller rank). Generators write only from these, and the checks hold copy to them.
 *
 * @param asOf the instant the copy is written for, epoch ms ("new" means listed within {@value
 *     #NEW_FOR_DAYS} days before it)
 */
public record ProductFacts(Product product, Bestseller bestseller, long asOf) {
  /** The catalogue attribute that carries a discount in percent (a whole number, 1 to 90). */
  public static final String DISCOUNT_ATTRIBUTE = "discount_percent";

  public static final int NEW_FOR_DAYS = 30;

  public ProductFacts {
    if (product == null) {
      throw new IllegalArgumentException("product: is required");
    }
    discountOf(product);
  }

  public static ProductFacts of(Product product, long asOf) {
    return new ProductFacts(product, null, asOf);
  }

  /** The discount in percent, 0 when the catalogue states none. */
  public int discountPercent() {
    return discountOf(product);
  }

  /** The price after the discount, rounded to the cent. */
  public double salePrice() {
    return Math.round(product.price() * (100 - discountPercent())) / 100.0;
  }

  public Optional<Bestseller> topSeller() {
    return Optional.ofNullable(bestseller);
  }

  public boolean isNew() {
    return asOf - product.listedAt() <= NEW_FOR_DAYS * 86_400_000L && asOf >= product.listedAt();
  }

  private static int discountOf(Product product) {
    String value = product.attributes().get(DISCOUNT_ATTRIBUTE);
    if (value == null) {
      return 0;
    }
    int percent;
    try {
      percent = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "attributes." + DISCOUNT_ATTRIBUTE + ": expected a whole number, got '" + value + "'");
    }
    if (percent < 0 || percent > 90) {
      throw new IllegalArgumentException(
          "attributes." + DISCOUNT_ATTRIBUTE + ": must be 0 to 90, got " + percent);
    }
    return percent;
  }
}
