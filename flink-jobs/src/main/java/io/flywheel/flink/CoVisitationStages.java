package io.flywheel.flink;

import io.flywheel.core.Event;
import io.flywheel.featurestore.CoVisitation;
import io.flywheel.featurestore.FeatureVector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** The two steps of the co-visitation job: session windows into pairs, pairs into neighbours. */
final class CoVisitationStages {
  private CoVisitationStages() {}

  /** One product's weight gained from another in a closed session. */
  record Pair(String product, String neighbour, double weight, long time) {}

  /**
   * One closed session window (Flink's event-time session windows: events further apart than the
   * gap are different sessions whatever order they arrive in) into product pairs.
   */
  static final class SessionPairs extends ProcessWindowFunction<Event, Pair, String, TimeWindow> {
    private transient LongCounter sessions;

    @Override
    public void open(Configuration parameters) {
      sessions = new LongCounter();
      getRuntimeContext().addAccumulator(JobCounters.SESSIONS, sessions);
    }

    @Override
    public void process(
        String sessionId, Context context, Iterable<Event> events, Collector<Pair> out) {
      CoVisitation.Basket basket = new CoVisitation.Basket();
      long last = Long.MIN_VALUE;
      for (Event event : events) {
        basket.add(event);
        last = Math.max(last, event.timestamp());
      }
      sessions.add(1);
      for (Map.Entry<String, Map<String, Double>> product : basket.coVisits().entrySet()) {
        for (Map.Entry<String, Double> neighbour : product.getValue().entrySet()) {
          out.collect(new Pair(product.getKey(), neighbour.getKey(), neighbour.getValue(), last));
        }
      }
    }
  }

  /**
   * Keyed by product: accumulates neighbour scores into the {@code product_covisit} view. Pairs are
   * applied in event-time order (buffered until the watermark passes their session's end), so every
   * run emits the same sequence of values whatever order parallel sessions close in.
   */
  static final class Neighbours extends KeyedProcessFunction<String, Pair, FeatureVector> {
    private transient ValueState<CoVisitation> scores;
    private transient MapState<Long, List<Pair>> buffer;

    @Override
    public void open(Configuration parameters) {
      scores =
          getRuntimeContext().getState(new ValueStateDescriptor<>("scores", CoVisitation.class));
      buffer =
          getRuntimeContext()
              .getMapState(
                  new MapStateDescriptor<>(
                      "pairs", Types.LONG, TypeInformation.of(new TypeHint<List<Pair>>() {})));
    }

    @Override
    public void processElement(Pair pair, Context ctx, Collector<FeatureVector> out)
        throws Exception {
      long at = ctx.timestamp();
      List<Pair> pending = buffer.get(at);
      if (pending == null) {
        pending = new ArrayList<>(2);
      }
      pending.add(pair);
      buffer.put(at, pending);
      ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<FeatureVector> out)
        throws Exception {
      List<Pair> pending = buffer.get(time);
      if (pending == null) {
        return;
      }
      buffer.remove(time);
      pending.sort(Comparator.comparingLong(Pair::time).thenComparing(Pair::neighbour));
      CoVisitation current = scores.value();
      if (current == null) {
        current = new CoVisitation();
      }
      long asOf = Long.MIN_VALUE;
      for (Pair pair : pending) {
        current.add(pair.neighbour(), pair.weight());
        asOf = Math.max(asOf, pair.time());
      }
      scores.update(current);
      out.collect(
          new FeatureVector("product_covisit", ctx.getCurrentKey(), asOf, current.values()));
    }
  }
}
