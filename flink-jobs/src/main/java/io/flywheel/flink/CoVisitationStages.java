package io.flywheel.flink;

import io.flywheel.core.Event;
import io.flywheel.featurestore.CoVisitation;
import io.flywheel.featurestore.FeatureVector;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** The two keyed steps of the co-visitation job: sessions into pairs, pairs into neighbours. */
final class CoVisitationStages {
  private CoVisitationStages() {}

  /** One product's weight gained from another in a closed session. */
  record Pair(String product, String neighbour, double weight, long time) {}

  /** Keyed by session: collects the session's products and, after the gap, emits its pairs. */
  static final class Sessions extends KeyedProcessFunction<String, Event, Pair> {
    private final long gap;
    private transient ValueState<CoVisitation.Basket> basket;
    private transient ValueState<Long> lastSeen;
    private transient LongCounter sessions;

    Sessions(long gap) {
      this.gap = gap;
    }

    @Override
    public void open(Configuration parameters) {
      basket = getRuntimeContext().getState(
          new ValueStateDescriptor<>("basket", CoVisitation.Basket.class));
      lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last", Long.class));
      sessions = new LongCounter();
      getRuntimeContext().addAccumulator(JobCounters.SESSIONS, sessions);
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Pair> out) throws Exception {
      CoVisitation.Basket current = basket.value();
      if (current == null) {
        current = new CoVisitation.Basket();
      }
      current.add(event);
      basket.update(current);
      Long previous = lastSeen.value();
      long last = previous == null ? event.timestamp() : Math.max(previous, event.timestamp());
      if (previous != null && previous != last) {
        ctx.timerService().deleteEventTimeTimer(previous + gap);
      }
      lastSeen.update(last);
      ctx.timerService().registerEventTimeTimer(last + gap);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Pair> out) throws Exception {
      CoVisitation.Basket current = basket.value();
      Long last = lastSeen.value();
      if (current == null || last == null || time != last + gap) {
        return;
      }
      sessions.add(1);
      for (Map.Entry<String, Map<String, Double>> product : current.coVisits().entrySet()) {
        for (Map.Entry<String, Double> neighbour : product.getValue().entrySet()) {
          out.collect(new Pair(product.getKey(), neighbour.getKey(), neighbour.getValue(), last));
        }
      }
      basket.clear();
      lastSeen.clear();
    }
  }

  /** Keyed by product: accumulates neighbour scores into the {@code product_covisit} view. */
  static final class Neighbours extends KeyedProcessFunction<String, Pair, FeatureVector> {
    private transient ValueState<CoVisitation> scores;
    private transient ValueState<Long> asOf;

    @Override
    public void open(Configuration parameters) {
      scores = getRuntimeContext().getState(
          new ValueStateDescriptor<>("scores", CoVisitation.class));
      asOf = getRuntimeContext().getState(new ValueStateDescriptor<>("asOf", Long.class));
    }

    @Override
    public void processElement(Pair pair, Context ctx, Collector<FeatureVector> out)
        throws Exception {
      CoVisitation current = scores.value();
      if (current == null) {
        current = new CoVisitation();
      }
      current.add(pair.neighbour(), pair.weight());
      scores.update(current);
      Long previous = asOf.value();
      long time = previous == null ? pair.time() : Math.max(previous, pair.time());
      asOf.update(time);
      out.collect(new FeatureVector("product_covisit", pair.product(), time, current.values()));
    }
  }
}
