package io.flywheel.flink;

import io.flywheel.core.Event;
import io.flywheel.featurestore.ProductStats;
import java.util.Map;

/** Keyed by product: the {@code product_stats} view. */
final class ProductStage extends EventTimeStage<ProductStats> {

  ProductStage() {
    super(ProductStats.class);
  }

  @Override
  String keyOf(Event event) {
    return event.productId() == null ? NO_ENTITY : event.productId();
  }

  @Override
  ProductStats newState() {
    return new ProductStats();
  }

  @Override
  void apply(ProductStats state, Event event) {
    state.apply(event);
  }

  @Override
  Map<String, Map<String, Object>> values(ProductStats state, long asOf) {
    return Map.of("product_stats", state.valuesAsOf(asOf));
  }
}
