package io.flywheel.flink;

import io.flywheel.core.Event;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Tracks the newest event time of the stream and, when a bounded replay ends, broadcasts it to the
 * feature stages, so their final values are as of the end of the replayed stream rather than as of
 * each entity's own last event.
 */
final class StreamClock extends KeyedProcessFunction<Integer, Event, Long> {
  private transient ValueState<Long> newest;

  @Override
  public void open(Configuration parameters) {
    newest = getRuntimeContext().getState(new ValueStateDescriptor<>("newest", Long.class));
  }

  @Override
  public void processElement(Event event, Context ctx, Collector<Long> out) throws Exception {
    Long current = newest.value();
    if (current == null || event.timestamp() > current) {
      newest.update(event.timestamp());
    }
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Long> out) throws Exception {
    Long end = newest.value();
    if (end != null) {
      out.collect(end);
    }
  }
}
