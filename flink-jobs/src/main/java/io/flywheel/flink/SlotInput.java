package io.flywheel.flink;

import io.flywheel.core.Event;

/**
 * What flows into the attribution join: an impression or a follow-up event (click, cart, purchase),
 * or a feature stage's part of an impression's example (exactly one is set).
 */
record SlotInput(Event event, ExamplePart part) {

  static SlotInput of(Event event) {
    return new SlotInput(event, null);
  }

  static SlotInput of(ExamplePart part) {
    return new SlotInput(null, part);
  }

  /** The delivered slot (requestId/contentId) this input belongs to. */
  String slot() {
    return event != null ? AttributionJoin.keyOf(event) : part.slot();
  }
}
