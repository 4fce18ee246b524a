package io.flywheel.flink;

import io.flywheel.core.Event;

/**
 * One feature stage's part of an impression's training example: feature values in {@link
 * ExampleColumns} order (null where this stage has none), sent to the attribution join under the
 * impression's slot key.
 *
 * @param behindWatermark the impression reached the stage behind its watermark, so no exact
 *     point-in-time snapshot exists and the example is left out of training
 */
record ExamplePart(String slot, Object[] features, boolean behindWatermark) {

  static ExamplePart of(Event impression, Object[] features) {
    return new ExamplePart(AttributionJoin.keyOf(impression), features, false);
  }

  static ExamplePart behindWatermark(Event impression) {
    return new ExamplePart(AttributionJoin.keyOf(impression), ExampleColumns.empty(), true);
  }
}
