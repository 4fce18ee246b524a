package io.flywheel.workflows;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The task types a worker offers. Modules add their own (features, training, deployment); the
 * generic ones are always there: {@code noop}, {@code sleep} (heartbeating), {@code check} (fails
 * with a message unless its condition holds) and {@code approval}.
 */
public final class TaskCatalog {
  private final Map<String, TaskType> types = new LinkedHashMap<>();
  private final Map<String, SensorType> sensors = new LinkedHashMap<>();

  public static TaskCatalog withGenericTasks() {
    TaskCatalog c = new TaskCatalog();
    c.add(new TaskType("noop", TaskType.DEFAULT_QUEUE, List.of(), false, ctx -> ctx.params()));
    c.add(
        new TaskType(
            "sleep",
            TaskType.DEFAULT_QUEUE,
            List.of("duration"),
            true,
            ctx -> {
              Duration d = Durations.parse("duration", ctx.param("duration"));
              long end = System.nanoTime() + d.toNanos();
              while (System.nanoTime() < end) {
                ctx.heartbeat("sleeping");
                Thread.sleep(Math.min(200, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
              }
              return Map.of("slept", d.toString());
            }));
    c.add(
        new TaskType(
            "check",
            TaskType.DEFAULT_QUEUE,
            List.of("condition"),
            false,
            ctx -> {
              if (!Boolean.parseBoolean(ctx.param("condition").trim())) {
                throw new IllegalStateException(
                    ctx.params()
                        .getOrDefault(
                            "message",
                            "check failed: condition is '" + ctx.param("condition") + "'"));
              }
              return Map.of("passed", "true");
            }));
    c.add(
        new TaskType(
            TaskType.APPROVAL,
            "",
            List.of("timeout"),
            false,
            ctx -> {
              throw new IllegalStateException("approval tasks run inside the workflow");
            }));
    return c;
  }

  public TaskCatalog add(TaskType type) {
    types.put(type.name(), type);
    return this;
  }

  public TaskCatalog addSensor(SensorType sensor) {
    sensors.put(sensor.name(), sensor);
    return this;
  }

  public SensorType sensor(String name) {
    SensorType s = sensors.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "trigger type: unknown '" + name + "' (known: " + sensors.keySet() + ")");
    }
    return s;
  }

  public boolean knowsSensor(String name) {
    return sensors.containsKey(name);
  }

  public TaskType type(String name) {
    TaskType t = types.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "task type: unknown '" + name + "' (known: " + types.keySet() + ")");
    }
    return t;
  }

  public boolean knows(String name) {
    return types.containsKey(name);
  }

  /** The task queues that have activity types (one worker per queue). */
  public Set<String> queues() {
    Set<String> queues = new TreeSet<>();
    types
        .values()
        .forEach(
            t -> {
              if (!t.queue().isEmpty()) {
                queues.add(t.queue());
              }
            });
    return queues;
  }

  Map<String, TaskType> all() {
    return types;
  }
}
