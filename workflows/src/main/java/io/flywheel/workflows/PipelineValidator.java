package io.flywheel.workflows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a pipeline before anything starts: unique task ids, known task types, required parameters
 * present, upstream tasks that exist, no cycles, and references in templates to run parameters and
 * tasks that exist. All problems are reported at once.
 */
public final class PipelineValidator {
  private PipelineValidator() {}

  public static void validate(PipelineSpec spec, TaskCatalog catalog) {
    List<String> problems = new ArrayList<>();
    if (spec.name() == null || !spec.name().matches("[a-z0-9][a-z0-9_-]{0,99}")) {
      problems.add("name: '" + spec.name() + "' must be lower-case letters, digits, '-' or '_'");
    }
    if (spec.tasks().isEmpty()) {
      problems.add("tasks: a pipeline needs at least one task");
    }
    Map<String, TaskSpec> byId = new HashMap<>();
    for (TaskSpec t : spec.tasks()) {
      if (t.id() == null || !t.id().matches("[A-Za-z0-9_-]{1,100}")) {
        problems.add("task id: '" + t.id() + "' must be letters, digits, '-' or '_'");
        continue;
      }
      if (byId.put(t.id(), t) != null) {
        problems.add("task " + t.id() + ": the id is used twice");
      }
    }
    for (TaskSpec t : spec.tasks()) {
      if (!catalog.knows(t.type())) {
        problems.add("task " + t.id() + ": unknown task type '" + t.type() + "'");
      } else {
        for (String required : catalog.type(t.type()).requiredParams()) {
          if (!t.params().containsKey(required)) {
            problems.add(
                "task "
                    + t.id()
                    + ": missing parameter '"
                    + required
                    + "' (required "
                    + "by type "
                    + t.type()
                    + ")");
          }
        }
      }
      for (String up : t.upstream()) {
        if (!byId.containsKey(up)) {
          problems.add("task " + t.id() + ": upstream task '" + up + "' does not exist");
        }
      }
      for (String value : t.params().values()) {
        for (String ref : Templates.references(value)) {
          if (ref.startsWith("params.") && !spec.params().containsKey(ref.substring(7))) {
            problems.add("task " + t.id() + ": '{{ " + ref + " }}' names no pipeline parameter");
          } else if (ref.startsWith("tasks.")) {
            String[] parts = ref.split("\\.", 3);
            if (parts.length < 3 || !byId.containsKey(parts[1])) {
              problems.add("task " + t.id() + ": '{{ " + ref + " }}' names no task");
            } else if (!upstreamClosure(t, byId).contains(parts[1])) {
              problems.add(
                  "task "
                      + t.id()
                      + ": '{{ "
                      + ref
                      + " }}' reads task "
                      + parts[1]
                      + ", which is not upstream of it");
            }
          } else if (!ref.startsWith("params.") && !Templates.BUILT_INS.contains(ref)) {
            problems.add("task " + t.id() + ": unknown template variable '{{ " + ref + " }}'");
          }
        }
      }
    }
    spec.params()
        .forEach(
            (name, value) -> {
              for (String ref : Templates.references(value)) {
                if (!Templates.BUILT_INS.contains(ref)) {
                  problems.add(
                      "param "
                          + name
                          + ": its default may use only "
                          + Templates.BUILT_INS
                          + ", not '{{ "
                          + ref
                          + " }}'");
                }
              }
            });
    if (spec.schedule() != null) {
      try {
        Schedules.parse(spec.schedule());
      } catch (IllegalArgumentException e) {
        problems.add("schedule: " + e.getMessage());
      }
    }
    Set<String> triggerIds = new HashSet<>();
    for (TriggerSpec t : spec.triggers()) {
      if (t.id() == null || !t.id().matches("[A-Za-z0-9_-]{1,100}")) {
        problems.add("trigger id: '" + t.id() + "' must be letters, digits, '-' or '_'");
      } else if (!triggerIds.add(t.id())) {
        problems.add("trigger " + t.id() + ": the id is used twice");
      }
      if (!catalog.knowsSensor(t.type())) {
        problems.add("trigger " + t.id() + ": unknown trigger type '" + t.type() + "'");
      } else {
        for (String required : catalog.sensor(t.type()).requiredParams()) {
          if (!t.params().containsKey(required)) {
            problems.add(
                "trigger "
                    + t.id()
                    + ": missing parameter '"
                    + required
                    + "' (required by type "
                    + t.type()
                    + ")");
          }
        }
      }
      for (String key : t.params().keySet()) {
        if (key.startsWith("run.") && !spec.params().containsKey(key.substring(4))) {
          problems.add("trigger " + t.id() + ": '" + key + "' names no pipeline parameter");
        }
      }
      if (t.every().compareTo(java.time.Duration.ofSeconds(1)) < 0) {
        problems.add("trigger " + t.id() + ": every must be at least 1s, got " + t.every());
      }
    }
    String cycle = cycle(spec, byId);
    if (cycle != null) {
      problems.add("tasks: cycle " + cycle);
    }
    if (!problems.isEmpty()) {
      throw new PipelineException(spec.name(), problems);
    }
  }

  private static Set<String> upstreamClosure(TaskSpec task, Map<String, TaskSpec> byId) {
    Set<String> seen = new HashSet<>();
    List<String> stack = new ArrayList<>(task.upstream());
    while (!stack.isEmpty()) {
      String id = stack.remove(stack.size() - 1);
      if (seen.add(id) && byId.containsKey(id)) {
        stack.addAll(byId.get(id).upstream());
      }
    }
    return seen;
  }

  /** A cycle as "a -> b -> a", or null. */
  private static String cycle(PipelineSpec spec, Map<String, TaskSpec> byId) {
    Map<String, Integer> mark = new HashMap<>();
    for (TaskSpec t : spec.tasks()) {
      List<String> path = new ArrayList<>();
      String found = visit(t.id(), byId, mark, path);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static String visit(
      String id, Map<String, TaskSpec> byId, Map<String, Integer> mark, List<String> path) {
    Integer m = mark.get(id);
    if (m != null && m == 2) {
      return null;
    }
    if (m != null && m == 1) {
      List<String> loop = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
      loop.add(id);
      return String.join(" -> ", loop);
    }
    if (!byId.containsKey(id)) {
      return null;
    }
    mark.put(id, 1);
    path.add(id);
    for (String up : byId.get(id).upstream()) {
      String found = visit(up, byId, mark, path);
      if (found != null) {
        return found;
      }
    }
    path.remove(path.size() - 1);
    mark.put(id, 2);
    return null;
  }
}
