package io.flywheel.flink;

import io.flywheel.core.Event;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by eventId: passes each event once (later deliveries of the same id are counted and
 * dropped) and sends events more than the allowed lateness behind the watermark to the late output.
 */
final class Deduplicate extends KeyedProcessFunction<String, Event, Event> {
  static final OutputTag<Event> LATE = new OutputTag<>("late") {};

  private final long allowedLatenessMillis;
  private final long memoryMillis;
  private transient ValueState<Boolean> seen;
  private transient Counter duplicates;
  private transient Counter late;
  private transient LongCounter duplicatesTotal;
  private transient LongCounter lateTotal;
  private transient LongCounter acceptedTotal;

  Deduplicate(long allowedLatenessMillis, long memoryMillis) {
    this.allowedLatenessMillis = allowedLatenessMillis;
    this.memoryMillis = memoryMillis;
  }

  @Override
  public void open(Configuration parameters) {
    ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("seen", Boolean.class);
    // Redeliveries come within minutes; remembering ids for a couple of days bounds the state.
    descriptor.enableTimeToLive(
        StateTtlConfig.newBuilder(org.apache.flink.api.common.time.Time.milliseconds(memoryMillis))
            .build());
    seen = getRuntimeContext().getState(descriptor);
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
    late = getRuntimeContext().getMetricGroup().counter("lateEvents");
    duplicatesTotal = new LongCounter();
    lateTotal = new LongCounter();
    acceptedTotal = new LongCounter();
    getRuntimeContext().addAccumulator(JobCounters.DUPLICATES, duplicatesTotal);
    getRuntimeContext().addAccumulator(JobCounters.LATE, lateTotal);
    getRuntimeContext().addAccumulator(JobCounters.ACCEPTED, acceptedTotal);
  }

  @Override
  public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
    if (seen.value() != null) {
      duplicates.inc();
      duplicatesTotal.add(1);
      return;
    }
    seen.update(Boolean.TRUE);
    // The logical watermark the event arrived behind (LogicalClock), not this operator's: the
    // decision must not depend on when watermarks happened to reach it.
    long watermark = LogicalClock.watermarkBehind(event, ctx.timestamp());
    if (watermark != Long.MIN_VALUE && event.timestamp() < watermark - allowedLatenessMillis) {
      late.inc();
      lateTotal.add(1);
      ctx.output(LATE, event);
      return;
    }
    acceptedTotal.add(1);
    out.collect(event);
  }
}
