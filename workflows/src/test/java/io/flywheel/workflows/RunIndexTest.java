package io.flywheel.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs outlive the service that ran them: a later process finds every run in the run index, a run
 * its dead local service left unfinished is LOST (never RUNNING forever), and signals to unknown or
 * ended runs are refused in plain words.
 */
class RunIndexTest {
  @TempDir Path home;

  @Test
  void runsOfADeadLocalServiceAreLostAndSignalsToThemAreRefused() throws Exception {
    TaskCatalog catalog = TaskCatalog.withGenericTasks();
    PipelineSpec slow =
        PipelineSpec.builder("slow").task("wait", "sleep", Map.of("duration", "1h")).build();
    PipelineSpec quick = PipelineSpec.builder("quick").task("a", "noop", Map.of()).build();
    String running;
    String finished;
    // A first process: one run finishes, one is still running when the process dies.
    try (LocalTemporal temporal = LocalTemporal.start(0);
        Pipelines pipelines = Pipelines.connect(temporal.address(), "default", catalog, home);
        FlywheelWorker worker = FlywheelWorker.start(pipelines, true)) {
      finished = pipelines.submit(quick, Map.of(), LocalDate.of(2026, 3, 1));
      assertThat(pipelines.await(finished, Duration.ofSeconds(30)).status()).isEqualTo("SUCCEEDED");
      running = pipelines.submit(slow, Map.of(), LocalDate.of(2026, 3, 1));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (pipelines.status(running).orElseThrow().tasks().get("wait").state()
              != TaskState.RUNNING
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(pipelines.status(running).orElseThrow().status()).isEqualTo("RUNNING");
    }
    // A later process on the same home, with a fresh local service that knows neither run.
    try (LocalTemporal temporal = LocalTemporal.start(0);
        Pipelines pipelines = Pipelines.connect(temporal.address(), "default", catalog, home)) {
      RunState lost = pipelines.status(running).orElseThrow();
      assertThat(lost.status()).isEqualTo(RunState.LOST);
      assertThat(lost.message()).contains("no longer knows it");
      assertThat(lost.tasks()).containsKey("wait");
      // Recorded: the run index no longer says RUNNING.
      assertThat(pipelines.runs())
          .filteredOn(r -> r.runId().equals(running))
          .singleElement()
          .satisfies(r -> assertThat(r.lastState().status()).isEqualTo(RunState.LOST));
      assertThat(pipelines.status(finished).orElseThrow().status()).isEqualTo("SUCCEEDED");

      assertThatThrownBy(() -> pipelines.cancel(running))
          .isInstanceOf(EndedRunException.class)
          .hasMessageContaining("is LOST");
      assertThatThrownBy(() -> pipelines.approve(finished, "a"))
          .isInstanceOf(EndedRunException.class)
          .hasMessageContaining("is SUCCEEDED");
      assertThatThrownBy(() -> pipelines.cancel("nightly-2026-03-01-0000"))
          .isInstanceOf(UnknownRunException.class)
          .hasMessage("no run 'nightly-2026-03-01-0000' is known");
      assertThat(pipelines.status("nightly-2026-03-01-0000")).isEmpty();
    }
  }
}
