package io.flywheel.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.core.LiveOptions;
import io.flywheel.core.LiveSummary;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop closed on Temporal's own service: a world's history goes through the Flink feature jobs,
 * a ranker is trained, registered and deployed; then a live day of the same world is answered by
 * the home's delivery API over HTTP, its events pass through the feature jobs again, and a second
 * ranker is trained on them and deployed. The ranker's value sits between random's and the oracle's
 * on the same requests.
 */
class LearnLoopPipelineTest {
  private static final SimulationConfig WORLD =
      new SimulationConfig(1000, 200, 8, 5, 0.0, WorldConfig.defaults());

  @TempDir Path home;

  @Test
  void aLiveDayServedByDeliveryTrainsTheNextRanker() throws Exception {
    MarketplaceSimulator.runLive(
        WORLD,
        new LiveOptions("popularity", null, 0, 0, 7),
        home.resolve("world"),
        SimulationProgress.NONE);
    long historyLines = Files.lines(home.resolve("world").resolve("events.jsonl")).count();
    Files.createDirectories(home.resolve("pipelines"));
    Files.writeString(home.resolve("pipelines").resolve("loop-test.yaml"), PIPELINE);
    FlywheelConfig config = FlywheelConfig.local();
    try (LocalTemporal temporal = LocalTemporal.start(0);
        Pipelines pipelines =
            Pipelines.connect(
                temporal.address(), "default", Orchestration.catalog(home, config), home);
        FlywheelWorker worker = FlywheelWorker.start(pipelines, true)) {
      PipelineSpec spec = Orchestration.pipelineSpecs(home).get("loop-test");
      String runId = pipelines.submit(spec, Map.of(), LocalDate.of(2026, 1, 9));
      RunState state = pipelines.await(runId, Duration.ofMinutes(6));
      assertThat(state.status()).as(state.toString()).isEqualTo("SUCCEEDED");

      Map<String, String> live = state.tasks().get("live").outputs();
      assertThat(Long.parseLong(live.get("requests"))).isPositive();
      // No index configured and every dependency up: no stand-in served any request.
      assertThat(live.get("fallback_requests")).isEqualTo("0");
      double ranker = Double.parseDouble(live.get("purchases_per_1000"));
      double oracle = Double.parseDouble(live.get("oracle_purchases_per_1000"));
      assertThat(ranker).isPositive().isLessThan(oracle);

      // The same day answered at random is worth less (per 1,000 requests: which requests come
      // depends on what shoppers did with what they were shown).
      LiveSummary random =
          MarketplaceSimulator.runLive(
              WORLD,
              new LiveOptions("random", null, 7, 0, 1),
              home.resolve("random-day"),
              SimulationProgress.NONE);
      assertThat(random.requests()).isPositive();
      assertThat(ranker).isGreaterThan(random.purchasesPer1000().policy());

      // The day's events joined the loop's stream, and the second ranker went live on them.
      assertThat(Files.lines(LoopTasks.liveEvents(home)).count()).isGreaterThan(historyLines);
      assertThat(state.tasks().get("deploy-2").outputs().get("live")).isEqualTo("2");
      // The second ranker learned from more than the first: the day before the served one got
      // its labels once the served day's events existed.
      assertThat(Double.parseDouble(state.tasks().get("train-2").outputs().get("rows")))
          .isGreaterThan(Double.parseDouble(state.tasks().get("train-1").outputs().get("rows")));
      assertThat(HomeDelivery.loggedImpressions(home)).isPositive();
    }
  }

  private static final String PIPELINE =
      """
      name: loop-test
      tasks:
        - id: features-1
          type: features
          params: {events: "", from: "2026-01-05", to: "2026-01-11"}
        - id: train-1
          type: train
          upstream: features-1
          params: {model: ctr}
        - id: register-1
          type: register
          upstream: train-1
          params: {run_id: "{{ tasks.train-1.run_id }}"}
        - id: deploy-1
          type: deploy
          upstream: register-1
          params: {model: "{{ tasks.register-1.model }}", version: "{{ tasks.register-1.version }}", canary: "100", replay: "0"}
        - id: live
          type: live-traffic
          upstream: deploy-1
          params: {seed: "5", users: "1000", products: "200", dirty: "0.0", horizon: "8", day: "7"}
        - id: features-2
          type: features
          upstream: live
          params: {events: "{{ tasks.live.events }}", from: "{{ tasks.live.previous_date }}", to: "{{ tasks.live.date }}"}
        - id: train-2
          type: train
          upstream: features-2
          params: {model: ctr}
        - id: register-2
          type: register
          upstream: train-2
          params: {run_id: "{{ tasks.train-2.run_id }}"}
        - id: deploy-2
          type: deploy
          upstream: register-2
          params: {model: "{{ tasks.register-2.model }}", version: "{{ tasks.register-2.version }}", canary: "100", replay: "0"}
      """;
}
