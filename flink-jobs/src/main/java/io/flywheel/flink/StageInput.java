package io.flywheel.flink;

import io.flywheel.core.Event;

/**
 * What flows into the attribution join: a follow-up event (click, cart, purchase), or a
 * stage's part of an impression's training example (exactly one of the two is set).
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
