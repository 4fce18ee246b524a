package io.flywheel.flink;

import io.flywheel.core.Event;

/**
 * What flows into the attribution join: an impression or a follow-up event (click, cart,
 * purchase), or a feature stage's part of an impression's example (exactly one is set).
 */
record StageInput(Event event, ExamplePart part) {

  static StageInput of(Event event) {
    return new StageInput(event, null);
  }

  static StageInput of(ExamplePart part) {
    return new StageInput(null, part);
  }

  /** The delivered slot (requestId/contentId) this input belongs to. */
  String slot() {
    return event != null ? AttributionJoin.keyOf(event) : part.slot();
  }
}
