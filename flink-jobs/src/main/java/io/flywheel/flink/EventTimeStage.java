package io.flywheel.flink;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.TrainingExample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A keyed feature stage that sees its entity's events in event-time order: events are buffered
 * until the watermark passes their time, then handled in time order. At each instant, the instant's
 * impressions first take this stage's part of their training example, the features as of just
 * before it (so nothing at or after the impression leaks in), then the instant's events update the
 * state, then the entity's fresh values are emitted for the online and offline stores. When a
 * bounded replay ends, each entity emits its values as of the end of the whole stream (told by
 * {@link StreamClock}).
 *
 * <p>Example parts go straight to {@link AttributionJoin}, which assembles them: an example never
 * travels through the other stages (measured: carrying the growing example through four stages and
 * their buffers was the pipeline's main cost).
 *
 * @param <S> the entity's feature state (plain Java from the feature store)
 */
abstract class EventTimeStage<S>
    extends KeyedBroadcastProcessFunction<String, Event, Long, FeatureVector> {
  static final OutputTag<ExamplePart> EXAMPLES = new OutputTag<>("examples") {};
  static final MapStateDescriptor<String, Long> STREAM_END =
      new MapStateDescriptor<>("stream-end", Types.STRING, Types.LONG);

  /** Key for inputs that have no entity of this stage (e.g. an impression without variant). */
  static final String NO_ENTITY = "";

  private final Class<S> stateType;
  private transient MapState<Long, List<Event>> buffer;
  private transient ValueState<S> state;

  EventTimeStage(Class<S> stateType) {
    this.stateType = stateType;
  }

  /** Fresh state for a new entity. */
  abstract S newState();

  /** Updates the state with one event. */
  abstract void apply(S state, Event event);

  /** The entity's values per view name as of {@code asOf}. */
  abstract Map<String, Map<String, Object>> values(S state, long asOf);

  @Override
  public void open(Configuration parameters) throws Exception {
    buffer =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "buffer", Types.LONG, TypeInformation.of(new TypeHint<List<Event>>() {})));
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("state", stateType));
  }

  @Override
  public void processElement(Event event, ReadOnlyContext ctx, Collector<FeatureVector> out)
      throws Exception {
    // The record time: the event's own, or for one that arrived behind the logical watermark,
    // the instant just after it (LogicalClock) — the same place in every run.
    long time = ctx.timestamp();
    if (event.type() == EventType.IMPRESSION && LogicalClock.arrivedBehind(event, time)) {
      // An impression that arrives behind the watermark (late, but within the allowed
      // lateness) would see state that already holds later events: no exact point-in-time
      // snapshot exists for it, so it is marked for the join to leave out of training.
      ctx.output(EXAMPLES, ExamplePart.behindWatermark(event));
    }
    List<Event> atTime = buffer.get(time);
    if (atTime == null) {
      atTime = new ArrayList<>(2);
    }
    atTime.add(event);
    buffer.put(time, atTime);
    ctx.timerService().registerEventTimeTimer(time);
  }

  @Override
  public void processBroadcastElement(Long streamEnd, Context ctx, Collector<FeatureVector> out)
      throws Exception {
    ctx.getBroadcastState(STREAM_END).put("end", streamEnd);
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<FeatureVector> out)
      throws Exception {
    String key = ctx.getCurrentKey();
    if (time == Long.MAX_VALUE) {
      Long end = ctx.getBroadcastState(STREAM_END).get("end");
      S current = state.value();
      if (end != null && current != null && !NO_ENTITY.equals(key)) {
        emit(key, current, end, out);
      }
      return;
    }
    List<Event> events = buffer.get(time);
    if (events == null) {
      return;
    }
    buffer.remove(time);
    S current = state.value();
    if (current == null) {
      current = newState();
      // Once per entity: its final values as of the end of a bounded stream.
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }
    boolean entity = !NO_ENTITY.equals(key);
    if (entity) {
      for (Event event : events) {
        if (event.type() == EventType.IMPRESSION) {
          ctx.output(EXAMPLES, part(event, current, time - 1));
        }
      }
    }
    // Same-instant events in a fixed order, so every run computes the same values.
    events.sort(
        Comparator.comparing((Event e) -> e.type().ordinal()).thenComparing(Event::eventId));
    for (Event event : events) {
      apply(current, event);
    }
    state.update(current);
    if (entity) {
      emit(key, current, time, out);
    }
  }

  /** This stage's columns of {@code impression}'s training example, as of {@code asOf}. */
  private ExamplePart part(Event impression, S current, long asOf) {
    Object[] features = ExampleColumns.empty();
    for (Map.Entry<String, Map<String, Object>> view : values(current, asOf).entrySet()) {
      if (TrainingExample.FEATURE_VIEWS.contains(view.getKey())) {
        for (Map.Entry<String, Object> value : view.getValue().entrySet()) {
          features[ExampleColumns.indexOf(view.getKey(), value.getKey())] = value.getValue();
        }
      }
    }
    return ExamplePart.of(impression, features);
  }

  /** The entity this stage files {@code event} under (NO_ENTITY when it has none). */
  abstract String keyOf(Event event);

  private void emit(String key, S current, long asOf, Collector<FeatureVector> out) {
    for (Map.Entry<String, Map<String, Object>> view : values(current, asOf).entrySet()) {
      out.collect(new FeatureVector(view.getKey(), key, asOf, view.getValue()));
    }
  }
}
