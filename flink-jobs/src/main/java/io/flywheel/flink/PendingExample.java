package io.flywheel.flink;

import io.flywheel.core.Event;

/**
 * An impression and feature values for its training example in {@link ExampleColumns} order
 * (null where not gathered or missing): one stage's part, or the parts merged.
 *
 * @param behindWatermark the impression reached a stage behind its watermark, so no exact
 *     point-in-time snapshot exists and the example is left out of training
 */
record PendingExample(Event impression, Object[] features, boolean behindWatermark) {

  static PendingExample behindWatermark(Event impression) {
    return new PendingExample(impression, ExampleColumns.empty(), true);
  }
}
