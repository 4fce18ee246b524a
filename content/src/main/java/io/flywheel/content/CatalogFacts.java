package io.flywheel.content;

import io.flywheel.core.Product;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The facts of every product copy may be about, and every brand the catalogue knows. */
public final class CatalogFacts {
  private final Map<String, ProductFacts> byId = new LinkedHashMap<>();
  private final Set<String> brands = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  private CatalogFacts(Collection<ProductFacts> facts) {
    for (ProductFacts f : facts) {
      byId.put(f.product().id(), f);
      brands.add(f.product().brand());
    }
  }

  public static CatalogFacts of(Collection<ProductFacts> facts) {
    return new CatalogFacts(facts);
  }

  /** The catalogue as of {@code asOf}, with what {@code sales} measured. */
  public static CatalogFacts of(Collection<Product> products, SalesRanking sales, long asOf) {
    return new CatalogFacts(products.stream().map(p -> sales.factsOf(p, asOf)).toList());
  }

  public Optional<ProductFacts> facts(String productId) {
    return Optional.ofNullable(byId.get(productId));
  }

  public Collection<ProductFacts> all() {
    return byId.values();
  }

  Set<String> brands() {
    return brands;
  }

  public int size() {
    return byId.size();
  }
}
