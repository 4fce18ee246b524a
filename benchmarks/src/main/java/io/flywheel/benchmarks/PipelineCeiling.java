package io.flywheel.benchmarks;

import io.flywheel.core.Event;
import io.flywheel.flink.EventParser;
import io.flywheel.flink.FeatureJob;
import io.flywheel.flink.FeatureJobOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * How fast Flink itself goes on this machine with the feature job's skeleton and none of its
 * feature logic: read and parse the events, then (step by step) key them by one entity and by all
 * four entities the feature job keys by, each keyed stage only counting events in its state,
 * outputs discarded. The feature job can never beat these rates on the same machine, state backend
 * and parallelism; they say how much of a throughput target is Flywheel's to win.
 */
public final class PipelineCeiling {
  private PipelineCeiling() {}

  /** One skeleton's rate: events over the job's own run time (JVM start-up excluded). */
  public record Rate(String pipeline, long events, long millis) {
    public double eventsPerSecond() {
      return events * 1000.0 / Math.max(1, millis);
    }
  }

  /**
   * The feature job against its ceiling on the same events, state backend and parallelism: a JIT
   * warm-up, the skeleton keyed by the four entities (the ceiling), then the real feature job —
   * writing both stores under {@code options}' scratch home unless its outputs are discarded.
   *
   * @param ratio the job's rate over the ceiling's
   */
  public record Comparison(
      String stateBackend,
      boolean outputsWritten,
      long events,
      double ceilingEventsPerSecond,
      double jobEventsPerSecond,
      double ratio) {}

  public static Comparison compare(FeatureJobOptions options, long events) throws Exception {
    run(options, "warm-up", events, parsed -> parsed);
    Rate ceiling = run(options, "ceiling", events, PipelineCeiling::fourEntities);
    java.nio.file.Path features = java.nio.file.Path.of(options.home()).resolve("features");
    io.flywheel.core.FileTrees.delete(features); // each run writes fresh stores
    StreamExecutionEnvironment env = FeatureJob.environment(options, "features");
    String name = FeatureJob.buildFeatures(env, options);
    Rate job = new Rate("feature job", events, env.execute(name).getNetRuntime());
    return new Comparison(
        options.stateBackend(),
        !options.discardOutputs(),
        events,
        ceiling.eventsPerSecond(),
        job.eventsPerSecond(),
        job.eventsPerSecond() / ceiling.eventsPerSecond());
  }

  private static DataStream<?> fourEntities(DataStream<Event> parsed) {
    return counted(parsed, Event::userId)
        .union(
            counted(parsed, Event::productId),
            counted(parsed, Event::contentId),
            counted(parsed, Event::variantId));
  }

  /** Runs the skeletons over {@code options}' events with its state backend and parallelism. */
  public static List<Rate> measure(FeatureJobOptions options, long events) throws Exception {
    List<Rate> rates = new ArrayList<>();
    run(options, "warm-up", events, parsed -> parsed); // JIT: the first job runs cold
    rates.add(run(options, "read + parse", events, parsed -> parsed));
    rates.add(
        run(
            options,
            "+ key by user, count in state",
            events,
            parsed -> counted(parsed, Event::userId)));
    rates.add(
        run(
            options,
            "+ key by user, product, content, variant side by side",
            events,
            PipelineCeiling::fourEntities));
    return rates;
  }

  private static Rate run(
      FeatureJobOptions options,
      String name,
      long events,
      Function<DataStream<Event>, DataStream<?>> shape)
      throws Exception {
    StreamExecutionEnvironment env = FeatureJob.environment(options, "ceiling");
    FileSource<String> file =
        FileSource.forRecordStreamFormat(
                new TextLineInputFormat(),
                new org.apache.flink.core.fs.Path(
                    java.nio.file.Path.of(options.events()).toAbsolutePath().toUri()))
            .build();
    DataStream<Event> parsed =
        env.fromSource(file, WatermarkStrategy.noWatermarks(), "events")
            .setParallelism(1)
            .process(new EventParser(options.events()))
            .name("parse")
            .setParallelism(1);
    shape.apply(parsed).sinkTo(new DiscardingSink<>());
    JobExecutionResult result = env.execute("flywheel-ceiling");
    return new Rate(name, events, result.getNetRuntime());
  }

  private static DataStream<Long> counted(
      DataStream<Event> events, KeySelector<Event, String> key) {
    return events
        .keyBy(
            e -> {
              String k = key.getKey(e);
              return k == null ? "" : k;
            })
        .process(new Count());
  }

  /** Counts an entity's events in keyed state: one state read and write per event. */
  static final class Count extends KeyedProcessFunction<String, Event, Long> {
    private transient ValueState<Long> count;

    @Override
    public void open(Configuration parameters) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Long> out) throws Exception {
      Long before = count.value();
      long now = before == null ? 1 : before + 1;
      count.update(now);
      out.collect(now);
    }
  }
}
