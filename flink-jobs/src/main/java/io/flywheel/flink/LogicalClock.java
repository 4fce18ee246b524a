package io.flywheel.flink;

import io.flywheel.core.Event;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The stream's event-time clock, kept where events still arrive in one order (parallelism 1): the
 * logical watermark before each event is the newest event time seen so far minus the allowed
 * out-of-orderness. An event at or behind it gets the record time just after it, so every stage
 * handles it at the same logical place in every run — not wherever the physical watermark happened
 * to be when it reached that stage — while its own time still dates it (windows, tiles, labels).
 * Stages tell it apart by a record time later than its event time; {@link Deduplicate} measures
 * lateness against the watermark it carries. Physical watermarks follow the logical one and never
 * pass it.
 */
final class LogicalClock extends AbstractStreamOperator<Event>
    implements OneInputStreamOperator<Event, Event> {
  private final long outOfOrdernessMillis;
  private transient ListState<Long> newestState;
  private transient long newest;
  private transient long emitted;

  LogicalClock(long outOfOrdernessMillis) {
    this.outOfOrdernessMillis = outOfOrdernessMillis;
  }

  /** Whether an event arrived at or behind the logical watermark (its record time was moved). */
  static boolean arrivedBehind(Event event, long recordTime) {
    return recordTime > event.timestamp();
  }

  /** The logical watermark an event arrived behind, from its record time (MIN_VALUE: none). */
  static long watermarkBehind(Event event, long recordTime) {
    return arrivedBehind(event, recordTime) ? recordTime - 1 : Long.MIN_VALUE;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    newestState =
        context
            .getOperatorStateStore()
            .getListState(new ListStateDescriptor<>("newest-event-time", Types.LONG));
    newest = Long.MIN_VALUE;
    for (Long n : newestState.get()) {
      newest = Math.max(newest, n);
    }
    emitted = Long.MIN_VALUE;
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    newestState.update(java.util.List.of(newest));
  }

  @Override
  public void processElement(StreamRecord<Event> record) throws Exception {
    Event event = record.getValue();
    long time = event.timestamp();
    long watermark = newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest - outOfOrdernessMillis - 1;
    output.collect(
        record.replace(
            event, watermark != Long.MIN_VALUE && time <= watermark ? watermark + 1 : time));
    if (time > newest) {
      newest = time;
      long next = newest - outOfOrdernessMillis - 1;
      if (next > emitted) {
        emitted = next;
        output.emitWatermark(new Watermark(next));
      }
    }
  }

  @Override
  public void processWatermark(Watermark mark) {
    // The source's own watermarks are ignored; only the end of input passes.
    if (mark.getTimestamp() == Long.MAX_VALUE) {
      output.emitWatermark(mark);
    }
  }
}
