package io.flywheel.flink;

import io.flywheel.core.Event;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks emitted as soon as the newest event time moves, not only
 * periodically: a fast replay covers hours of event time between two periodic emissions, and
 * lateness must not depend on how fast the machine is.
 */
final class EventTimeWatermarks implements WatermarkGenerator<Event> {
  private final long outOfOrdernessMillis;
  private long newest = Long.MIN_VALUE;
  private long emitted = Long.MIN_VALUE;

  EventTimeWatermarks(long outOfOrdernessMillis) {
    this.outOfOrdernessMillis = outOfOrdernessMillis;
  }

  @Override
  public void onEvent(Event event, long timestamp, WatermarkOutput output) {
    if (timestamp > newest) {
      newest = timestamp;
      onPeriodicEmit(output);
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    if (newest == Long.MIN_VALUE) {
      return;
    }
    long watermark = newest - outOfOrdernessMillis - 1;
    if (watermark > emitted) {
      emitted = watermark;
      output.emitWatermark(new Watermark(watermark));
    }
  }
}
