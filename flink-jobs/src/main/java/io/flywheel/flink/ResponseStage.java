package io.flywheel.flink;

import io.flywheel.core.Event;
import io.flywheel.featurestore.ResponseCounts;
import java.util.Map;

/**
 * Lifetime response counts keyed by content item ({@code content_stats}) or by campaign and copy
 * variant ({@code variant_stats}).
 */
final class ResponseStage extends EventTimeStage<ResponseCounts> {
  private final String view;

  private ResponseStage(String view) {
    super(ResponseCounts.class);
    this.view = view;
  }

  static ResponseStage content() {
    return new ResponseStage("content_stats");
  }

  static ResponseStage variant() {
    return new ResponseStage("variant_stats");
  }

  @Override
  String keyOf(Event event) {
    String key =
        view.equals("content_stats") ? event.contentId() : ResponseCounts.variantKey(event);
    return key == null ? NO_ENTITY : key;
  }

  @Override
  ResponseCounts newState() {
    return new ResponseCounts();
  }

  @Override
  void apply(ResponseCounts state, Event event) {
    state.apply(event);
  }

  @Override
  Map<String, Map<String, Object>> values(ResponseCounts state, long asOf) {
    return Map.of(view, state.values());
  }
}
