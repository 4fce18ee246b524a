package io.flywheel.workflows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline: a DAG of named tasks, run-level parameters with defaults, an optional cron schedule
 * and triggers (sensors that start runs). Built in Java with {@link #builder} or read from YAML
 * with {@link PipelineFiles}.
 */
public record PipelineSpec(
    String name,
    String description,
    String schedule,
    Map<String, String> params,
    List<TaskSpec> tasks,
    List<TriggerSpec> triggers) {

  public PipelineSpec {
    params = params == null ? Map.of() : Map.copyOf(params);
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
    triggers = triggers == null ? List.of() : List.copyOf(triggers);
    description = description == null ? "" : description;
  }

  public TaskSpec task(String id) {
    return tasks.stream()
        .filter(t -> t.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("task: no task '" + id + "' in " + name));
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Airflow-style: tasks, then who waits for whom. */
  public static final class Builder {
    private final String name;
    private String description = "";
    private String schedule;
    private final Map<String, String> params = new LinkedHashMap<>();
    private final List<TaskSpec> tasks = new ArrayList<>();
    private final List<TriggerSpec> triggers = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    public Builder description(String text) {
      this.description = text;
      return this;
    }

    public Builder schedule(String cron) {
      this.schedule = cron;
      return this;
    }

    public Builder param(String key, String defaultValue) {
      params.put(key, defaultValue);
      return this;
    }

    public Builder task(TaskSpec task) {
      tasks.add(task);
      return this;
    }

    public Builder trigger(TriggerSpec trigger) {
      triggers.add(trigger);
      return this;
    }

    /** A task with defaults: one attempt, one hour, all upstream must succeed. */
    public Builder task(String id, String type, Map<String, String> params, String... upstream) {
      return task(new TaskSpec(id, type, params, List.of(upstream), 1, null, null, null));
    }

    public PipelineSpec build() {
      return new PipelineSpec(name, description, schedule, params, tasks, triggers);
    }
  }
}
