package io.flywheel.workflows;

import java.time.Duration;
import java.util.Map;

/**
 * Something that starts a pipeline by itself: a sensor type (for example {@code data-arrival} or
 * {@code drift}) with parameters, checked every {@code every}. Each condition it reports starts one
 * run, once.
 */
public record TriggerSpec(String id, String type, Map<String, String> params, Duration every) {
  public TriggerSpec {
    params = params == null ? Map.of() : Map.copyOf(params);
    every = every == null ? Duration.ofMinutes(1) : every;
  }
}
