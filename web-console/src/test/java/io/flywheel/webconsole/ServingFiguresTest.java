package io.flywheel.webconsole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The inference server's Prometheus lines become each version's requests, errors and time. */
class ServingFiguresTest {
  @Test
  void versionsAreReadFromThePrometheusPage() {
    var figures =
        ServingFigures.parse(
            """
            # HELP flywheel_inference_requests_total Successful inference requests
            # TYPE flywheel_inference_requests_total counter
            flywheel_inference_requests_total{model="ctr",version="1",} 900.0
            flywheel_inference_requests_total{model="ctr",version="2",} 100.0
            flywheel_inference_failures_total{model="ctr",version="2",} 5.0
            flywheel_inference_request_seconds_total{model="ctr",version="2",} 0.25
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space",} 1.2E7
            """);
    assertThat(figures).containsOnlyKeys("ctr/1", "ctr/2");
    assertThat(figures.get("ctr/1").errorRate()).isZero();
    assertThat(figures.get("ctr/2").errorRate()).isCloseTo(5 / 105.0, within(1e-9));
    assertThat(figures.get("ctr/2").meanMillis()).isCloseTo(2.5, within(1e-9));
  }
}
