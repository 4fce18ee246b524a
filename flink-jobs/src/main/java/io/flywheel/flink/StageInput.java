package io.flywheel.flink;

import io.flywheel.core.Event;
import java.util.Map;

/**
 * What flows into a keyed feature stage: a raw event, or a training example on its way through
 * the stages collecting features (exactly one of the two is set).
 */
record StageInput(Event event, PendingExample example) {

  static StageInput of(Event event) {
    return new StageInput(event, null);
  }

  static StageInput of(PendingExample example) {
    return new StageInput(null, example);
  }

  long timestamp() {
    return event != null ? event.timestamp() : example.impression().timestamp();
  }

  Event subject() {
    return event != null ? event : example.impression();
  }
}
