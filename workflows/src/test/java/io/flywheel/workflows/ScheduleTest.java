package io.flywheel.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cron schedules on Temporal's time-skipping test service: an hour of an every-15-minutes schedule
 * passes in moments, and each firing starts exactly one run dated the day it fired.
 */
class ScheduleTest {
  @TempDir Path home;

  @Test
  void aCronScheduleStartsOneRunPerFiringDatedTheDayItFired() throws Exception {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    TaskCatalog catalog = TaskCatalog.withGenericTasks();
    try (Pipelines pipelines = Pipelines.using(env.getWorkflowClient(), catalog, home);
        FlywheelWorker worker = FlywheelWorker.start(pipelines, true)) {
      PipelineSpec spec =
          PipelineSpec.builder("quarterly")
              .schedule("*/15 * * * *")
              .param("source", "manual")
              .task("a", "noop", Map.of("day", "{{ ds }}", "source", "{{ params.source }}"))
              .build();
      long quarter = Duration.ofMinutes(15).toMillis();
      long armedAt = env.currentTimeMillis();
      assertThat(pipelines.arm(spec)).containsExactly("schedule-quarterly");
      env.sleep(Duration.ofMinutes(61));
      long until = env.currentTimeMillis();
      pipelines.disarm(spec);

      List<Pipelines.RunRecord> scheduled =
          pipelines.runs().stream()
              .filter(r -> r.runId().startsWith("quarterly-") && r.runId().contains("-scheduled-"))
              .toList();
      // One firing per quarter-hour boundary the skipped time crossed (four or five in 61 min).
      long boundaries = until / quarter - armedAt / quarter;
      assertThat(boundaries).isBetween(4L, 5L);
      assertThat(scheduled).hasSize((int) boundaries);
      assertThat(scheduled).extracting(Pipelines.RunRecord::runId).doesNotHaveDuplicates();
      for (Pipelines.RunRecord r : scheduled) {
        RunState ran = pipelines.await(r.runId(), Duration.ofSeconds(30));
        assertThat(ran.status()).isEqualTo("SUCCEEDED");
        assertThat(ran.tasks().get("a").outputs())
            .containsEntry("source", "manual")
            .containsEntry("day", r.logicalDate());
        assertThat(r.runId()).startsWith("quarterly-" + r.logicalDate() + "-scheduled-");
      }
    } finally {
      env.close();
    }
  }
}
