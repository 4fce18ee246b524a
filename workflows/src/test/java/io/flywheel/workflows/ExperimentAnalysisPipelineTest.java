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
 * look), stopped, and the winning treatment is handed on as the task's output.
 */
class ExperimentAnalysisPipelineTest {
  private static final long T0 = 1_767_225_600_000L;
  @TempDir Path home;

  @Test
  void aDecidedExperimentIsTrackedStoppedAndItsWinnerNamed() throws Exception {
    ExperimentCatalog catalog = new ExperimentCatalog(home);
    catalog.create(
        ConversionExperiment.parse(
            """
            id: new-ranker
            arms:
              - {name: champion, weight: 1, treatment: {model_version: "3"}}
              - {name: challenger, weight: 1, treatment: {model_version: "4"}}
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
      RunState state = pipelines.await(runId, Duration.ofMinutes(2));
      assertThat(state.status()).as(state.toString()).isEqualTo("SUCCEEDED");
      Map<String, String> out = state.tasks().get("analyse").outputs();
      assertThat(out)
          .containsEntry("analysed", "1")
          .containsEntry("decision", "ship")
          .containsEntry("arm", "challenger")
          .containsEntry("treatment_model_version", "4")
          .containsEntry("stopped", "true");
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
