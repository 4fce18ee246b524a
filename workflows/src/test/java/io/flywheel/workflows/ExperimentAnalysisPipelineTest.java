package io.flywheel.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.experiments.ConversionExperiment;
import io.flywheel.experiments.ExperimentCatalog;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.TrackedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in {@code experiment-analysis} pipeline on Temporal's own service: a running experiment
 * with a clear winner in the home's events is analysed, tracked in MLflow (one step per daily
 * look), stopped, its winning treatment handed on as the task's output, and, once a person
 * approves, promoted to every shopper (delivery's base treatment).
 */
class ExperimentAnalysisPipelineTest {
  private static final long T0 = 1_767_225_600_000L;
  @TempDir Path home;

  private static RunState awaitApproval(Pipelines pipelines, String runId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      var state = pipelines.status(runId);
      if (state.isPresent()
          && state.get().tasks() != null
          && state.get().tasks().get("approve").state() == TaskState.RUNNING) {
        return state.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("run " + runId + " never waited for approval");
  }

  @Test
  void aDecidedExperimentIsTrackedStoppedAndItsWinnerPromotedOnceApproved() throws Exception {
    ExperimentCatalog catalog = new ExperimentCatalog(home);
    catalog.create(
        ConversionExperiment.parse(
            """
            id: new-ranker
            arms:
              - {name: champion, weight: 1, treatment: {}}
              - {name: challenger, weight: 1, treatment: {copy: campaign, ranking: popularity}}
            plan: {mde: 0.3, baseline: 0.1}
            """));
    catalog.start("new-ranker", T0);
    SplittableRandom r = new SplittableRandom(8);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      String arm = i % 2 == 0 ? "champion" : "challenger";
      long t = T0 + r.nextLong(3 * 86_400_000L);
      lines.add(
          "{\"eventId\":\"i"
              + i
              + "\",\"type\":\"impression\",\"userId\":\"u"
              + i
              + "\",\"productId\":\"p1\",\"contentId\":\"c1\",\"requestId\":\"r"
              + i
              + "\",\"position\":0,\"propensity\":1.0,\"experimentId\":\"new-ranker\",\"arm\":\""
              + arm
              + "\",\"timestamp\":"
              + t
              + ",\"receivedAt\":"
              + t
              + "}");
      if (r.nextDouble() < (arm.equals("champion") ? 0.10 : 0.15)) {
        lines.add(
            "{\"eventId\":\"b"
                + i
                + "\",\"type\":\"purchase\",\"userId\":\"u"
                + i
                + "\",\"productId\":\"p1\",\"price\":5.0,\"quantity\":1,\"timestamp\":"
                + (t + 1)
                + ",\"receivedAt\":"
                + (t + 1)
                + "}");
      }
    }
    Files.createDirectories(home.resolve("events"));
    Files.write(home.resolve("events").resolve("delivery.jsonl"), lines);

    FlywheelConfig config = FlywheelConfig.local();
    try (LocalTemporal temporal = LocalTemporal.start(0);
        Pipelines pipelines =
            Pipelines.connect(
                temporal.address(), "default", Orchestration.catalog(home, config), home);
        FlywheelWorker worker = FlywheelWorker.start(pipelines, true)) {
      PipelineSpec spec = Orchestration.pipelineSpecs(home).get("experiment-analysis");
      assertThat(spec.schedule()).isEqualTo("0 6 * * *");
      String runId = pipelines.submit(spec, Map.of(), LocalDate.of(2026, 1, 4));
      // A winner waits for a person before it is promoted.
      RunState waiting = awaitApproval(pipelines, runId);
      Map<String, String> out = waiting.tasks().get("analyse").outputs();
      assertThat(out)
          .containsEntry("analysed", "1")
          .containsEntry("decision", "ship")
          .containsEntry("arm", "challenger")
          .containsEntry("treatment_copy", "campaign")
          .containsEntry("stopped", "true")
          .containsEntry("winners", "new-ranker:challenger")
          .containsEntry("approval_needed", "true");
      assertThat(catalog.promoted()).isEmpty();
      pipelines.approve(runId, "approve");
      RunState state = pipelines.await(runId, Duration.ofMinutes(2));
      assertThat(state.status()).as(state.toString()).isEqualTo("SUCCEEDED");
      assertThat(state.tasks().get("promote").outputs())
          .containsEntry("promoted", "1")
          .containsKey("new-ranker.delivery");
      ExperimentCatalog.Promotion promoted = catalog.promoted().orElseThrow();
      assertThat(promoted.experiment()).isEqualTo("new-ranker");
      assertThat(promoted.arm()).isEqualTo("challenger");
      assertThat(promoted.treatment())
          .containsEntry("copy", "campaign")
          .containsEntry("ranking", "popularity");

      // The next morning nothing is running: nothing analysed, nothing to approve or promote.
      RunState next =
          pipelines.await(
              pipelines.submit(spec, Map.of(), LocalDate.of(2026, 1, 5)), Duration.ofMinutes(2));
      assertThat(next.status()).as(next.toString()).isEqualTo("SUCCEEDED");
      assertThat(next.tasks().get("analyse").outputs())
          .containsEntry("analysed", "0")
          .containsEntry("approval_needed", "false");
      assertThat(next.tasks().get("promote").outputs()).containsEntry("promoted", "0");
      assertThat(catalog.promoted().orElseThrow().promotedAt()).isEqualTo(promoted.promotedAt());
      assertThat(catalog.get("new-ranker").status()).isEqualTo("stopped");
      try (ModelRegistry registry = ModelRegistry.open(home, null, null)) {
        TrackedRun run = registry.run(out.get("run_id"));
        assertThat(run.tags()).containsEntry("flywheel.decision", "ship");
        // One step per daily look: the lift estimated each day.
        assertThat(run.metricHistory("lift_conversion_challenger")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(run.metrics().get("users_challenger")).isEqualTo(3000.0);
      }
    }
  }
}
