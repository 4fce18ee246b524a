package io.flywheel.flink;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.featurestore.TrainingExample;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by the delivered slot (requestId/contentId): holds the impression, collects the parts of
 * its training example from the feature stages, waits until its attribution windows have closed in
 * event time, then labels it clicked if a click followed within the click window and purchased if a
 * purchase followed within the purchase window. Examples whose windows had not closed when a
 * bounded replay ended are dropped (and counted): their labels would be unknown, not negative.
 */
final class AttributionJoin
    extends KeyedBroadcastProcessFunction<String, SlotInput, Long, TrainingExample> {
  private final long clickWindow;
  private final long purchaseWindow;
  private transient ValueState<Event> impression;
  private transient ListState<ExamplePart> parts;
  private transient ListState<Long> clicks;
  private transient ListState<Long> purchases;
  private transient LongCounter emitted;
  private transient LongCounter open;
  private transient LongCounter behindWatermark;

  AttributionJoin(long clickWindow, long purchaseWindow) {
    this.clickWindow = clickWindow;
    this.purchaseWindow = purchaseWindow;
  }

  static String keyOf(Event event) {
    return event.requestId() + "/" + event.contentId();
  }

  @Override
  public void open(Configuration parameters) {
    // Parts are appended unread (a cheap write) and merged once, when the windows close.
    parts = getRuntimeContext().getListState(new ListStateDescriptor<>("parts", ExamplePart.class));
    impression =
        getRuntimeContext().getState(new ValueStateDescriptor<>("impression", Event.class));
    clicks = getRuntimeContext().getListState(new ListStateDescriptor<>("clicks", Types.LONG));
    purchases =
        getRuntimeContext().getListState(new ListStateDescriptor<>("purchases", Types.LONG));
    emitted = new LongCounter();
    open = new LongCounter();
    getRuntimeContext().addAccumulator(JobCounters.EXAMPLES, emitted);
    getRuntimeContext().addAccumulator(JobCounters.OPEN_WINDOWS, open);
    behindWatermark = new LongCounter();
    getRuntimeContext().addAccumulator(JobCounters.EXAMPLES_BEHIND_WATERMARK, behindWatermark);
  }

  @Override
  public void processElement(SlotInput input, ReadOnlyContext ctx, Collector<TrainingExample> out)
      throws Exception {
    if (input.part() != null) {
      parts.add(input.part());
      return;
    }
    Event event = input.event();
    if (event.type() == EventType.IMPRESSION) {
      impression.update(event);
      // Every stage has sent its part by the time the watermark passes this instant.
      ctx.timerService().registerEventTimeTimer(event.timestamp() + purchaseWindow);
      return;
    } else if (event.type() == EventType.CLICK) {
      clicks.add(event.timestamp());
    } else if (event.type() == EventType.PURCHASE) {
      purchases.add(event.timestamp());
    } else {
      return;
    }
    // Follow-ups whose impression never arrives are forgotten a window later.
    ctx.timerService().registerEventTimeTimer(event.timestamp() + purchaseWindow + 1);
  }

  @Override
  public void processBroadcastElement(Long streamEnd, Context ctx, Collector<TrainingExample> out)
      throws Exception {
    ctx.getBroadcastState(EventTimeStage.STREAM_END).put("end", streamEnd);
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<TrainingExample> out)
      throws Exception {
    Event shown = impression.value();
    if (shown == null) {
      clicks.clear();
      purchases.clear();
      parts.clear();
      return;
    }
    long shownAt = shown.timestamp();
    if (time != shownAt + purchaseWindow) {
      return;
    }
    Object[] features = ExampleColumns.empty();
    boolean behind = false;
    for (ExamplePart part : parts.get()) {
      behind |= part.behindWatermark();
      Object[] values = part.features();
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          features[i] = values[i];
        }
      }
    }
    Long end = ctx.getBroadcastState(EventTimeStage.STREAM_END).get("end");
    if (behind) {
      behindWatermark.add(1);
    } else if (end != null && time > end) {
      open.add(1);
    } else {
      emitted.add(1);
      out.collect(
          label(
              shown,
              features,
              within(clicks.get(), shownAt, clickWindow),
              within(purchases.get(), shownAt, purchaseWindow)));
    }
    impression.clear();
    parts.clear();
    clicks.clear();
    purchases.clear();
  }

  private static boolean within(Iterable<Long> times, long from, long window) {
    for (long t : times) {
      if (t >= from && t <= from + window) {
        return true;
      }
    }
    return false;
  }

  private static TrainingExample label(
      Event e, Object[] features, boolean clicked, boolean purchased) {
    return new TrainingExample(
        e.eventId(),
        e.requestId(),
        e.userId(),
        e.productId(),
        e.contentId(),
        e.campaignId(),
        e.experimentId(),
        e.arm(),
        e.variantId(),
        e.position(),
        e.propensity(),
        e.timestamp(),
        clicked,
        purchased,
        ExampleColumns.toMap(features));
  }
}
