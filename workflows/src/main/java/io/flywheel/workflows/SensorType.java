package io.flywheel.workflows;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A kind of trigger: what it needs, and a check that reports conditions that should start a run. A
 * condition is reported by key (a partition date, a drifting day) and starts at most one run ever.
 * With {@code baselineOnArm}, what the first check sees is the starting point, not news (partitions
 * that existed before the trigger was armed do not start runs).
 */
public record SensorType(
    String name, List<String> requiredParams, boolean baselineOnArm, Sensor sensor) {

  public SensorType {
    requiredParams = List.copyOf(requiredParams);
  }

  /** The check itself; runs inside a worker's activity. */
  @FunctionalInterface
  public interface Sensor {
    List<Firing> check(Map<String, String> params) throws Exception;
  }

  /**
   * A condition met: the run it starts gets {@code logicalDate} and {@code runParams} (which the
   * pipeline must declare); {@code reason} is shown in the trigger's history.
   */
  public record Firing(
      String key, LocalDate logicalDate, Map<String, String> runParams, String reason) {
    public Firing {
      runParams = runParams == null ? Map.of() : Map.copyOf(runParams);
    }
  }
}
