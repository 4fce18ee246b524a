package io.flywheel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load harness measures every level over a real gRPC port and in process. */
class InferenceLoadHarnessTest {
  @Test
  void eachLevelIsMeasuredServedAndInProcessWithOrderedPercentiles() throws Exception {
    List<InferenceLoadHarness.Level> seen = new ArrayList<>();
    List<InferenceLoadHarness.Level> levels =
        new InferenceLoadHarness(new InferenceLoadHarness.Settings(10, 3, 5, 16, 60, List.of(1, 2)))
            .run(seen::add);
    assertThat(levels).hasSize(2).isEqualTo(seen);
    assertThat(levels).extracting(InferenceLoadHarness.Level::concurrency).containsExactly(1, 2);
    for (InferenceLoadHarness.Level l : levels) {
      assertThat(l.rowsPerSecond()).isPositive();
      assertThat(l.inProcessRowsPerSecond()).isPositive();
      assertThat(l.p50Millis()).isPositive().isLessThanOrEqualTo(l.p95Millis());
      assertThat(l.p95Millis()).isLessThanOrEqualTo(l.p99Millis());
      // The server batched what it received: at least one request's rows per execution.
      assertThat(l.meanBatchRows()).isGreaterThanOrEqualTo(16);
    }
  }

  @Test
  void percentilesAreNearestRank() {
    long[] sorted = {1_000_000, 2_000_000, 3_000_000, 4_000_000};
    assertThat(InferenceLoadHarness.percentile(sorted, 0.5)).isEqualTo(2.0);
    assertThat(InferenceLoadHarness.percentile(sorted, 0.99)).isEqualTo(4.0);
  }

  @Test
  void settingsThatCannotBeMeasuredAreRefused() {
    assertThatThrownBy(() -> new InferenceLoadHarness.Settings(10, 3, 5, 16, 60, List.of(0)))
        .hasMessageContaining("concurrency");
    assertThatThrownBy(() -> new InferenceLoadHarness.Settings(10, 3, 2, 16, 60, List.of(1)))
        .hasMessageContaining("features");
  }
}
