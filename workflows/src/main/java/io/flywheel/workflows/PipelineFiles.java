package io.flywheel.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Pipelines as YAML files: the built-in ones shipped with Flywheel and a folder of the shop's own
 * ({@code HOME/pipelines/*.yaml}, which may override a built-in by name). Unknown keys and wrong
 * types are errors naming the file and the field.
 */
public final class PipelineFiles {
  static final List<String> BUILT_IN =
      List.of(
          "smoke-test",
          "feature-backfill",
          "train-evaluate-deploy",
          "content-campaign",
          "learn-loop",
          "experiment-analysis");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> PIPELINE_KEYS =
      Set.of("name", "description", "schedule", "params", "tasks", "triggers");
  private static final Set<String> TRIGGER_KEYS = Set.of("id", "type", "params", "every");
  private static final Set<String> TASK_KEYS =
      Set.of(
          "id",
          "type",
          "params",
          "upstream",
          "retries",
          "retry_interval",
          "timeout",
          "trigger_rule");

  private PipelineFiles() {}

  /**
   * The pipelines by name (built-ins, then the folder's files, which may override a built-in by
   * name) and the folder's files that could not be read, each with its error: one broken file never
   * hides the others.
   */
  public record Catalog(Map<String, PipelineSpec> pipelines, Map<Path, String> broken) {}

  /** Built-ins, then the folder's files (which may override a built-in); by name. */
  public static Catalog load(Path folder) throws IOException {
    Map<String, PipelineSpec> all = new TreeMap<>();
    for (String name : BUILT_IN) {
      try (InputStream in =
          PipelineFiles.class.getResourceAsStream("/pipelines/" + name + ".yaml")) {
        if (in == null) {
          throw new IOException("built-in pipeline " + name + " is missing from the jar");
        }
        PipelineSpec spec = parse(YAML.readTree(in), "built-in " + name);
        all.put(spec.name(), spec);
      }
    }
    Map<Path, String> broken = new TreeMap<>();
    if (Files.isDirectory(folder)) {
      try (Stream<Path> files = Files.list(folder)) {
        for (Path f :
            files
                .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                .sorted()
                .toList()) {
          try {
            PipelineSpec spec = read(f);
            all.put(spec.name(), spec);
          } catch (IOException | IllegalArgumentException e) {
            broken.put(f, e.getMessage());
          }
        }
      }
    }
    return new Catalog(all, broken);
  }

  /** A pipeline from a YAML stream; {@code source} names it in errors. */
  public static PipelineSpec read(InputStream in, String source) throws IOException {
    return parse(YAML.readTree(in), source);
  }

  public static PipelineSpec read(Path file) throws IOException {
    JsonNode root;
    try {
      root = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not valid YAML: " + e.getMessage(), e);
    }
    return parse(root, file.toString());
  }

  static PipelineSpec parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": expected a mapping with name and tasks");
    }
    unknownKeys(root, PIPELINE_KEYS, source);
    PipelineSpec.Builder b = PipelineSpec.builder(text(root, "name", source, true));
    String description = text(root, "description", source, false);
    if (description != null) {
      b.description(description);
    }
    String schedule = text(root, "schedule", source, false);
    if (schedule != null) {
      b.schedule(schedule);
    }
    strings(root.get("params"), source + " params").forEach(b::param);
    JsonNode tasks = root.get("tasks");
    if (tasks == null || !tasks.isArray()) {
      throw new IllegalArgumentException(source + ": 'tasks' must be a list");
    }
    int i = 0;
    for (JsonNode t : tasks) {
      String where = source + " tasks[" + i++ + "]";
      if (!t.isObject()) {
        throw new IllegalArgumentException(where + ": expected a mapping");
      }
      unknownKeys(t, TASK_KEYS, where);
      String id = text(t, "id", where, true);
      List<String> upstream = new ArrayList<>();
      JsonNode up = t.get("upstream");
      if (up != null) {
        if (up.isTextual()) {
          upstream.add(up.asText());
        } else if (up.isArray()) {
          up.forEach(u -> upstream.add(u.asText()));
        } else {
          throw new IllegalArgumentException(where + " upstream: a task id or a list of them");
        }
      }
      int retries = t.has("retries") ? integer(t.get("retries"), where + " retries") : 0;
      Duration interval =
          t.has("retry_interval")
              ? Durations.parse(where + " retry_interval", t.get("retry_interval").asText())
              : null;
      Duration timeout =
          t.has("timeout") ? Durations.parse(where + " timeout", t.get("timeout").asText()) : null;
      TriggerRule rule = null;
      if (t.has("trigger_rule")) {
        try {
          rule = TriggerRule.valueOf(t.get("trigger_rule").asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              where
                  + " trigger_rule: all_success, all_done or "
                  + "one_failed; got '"
                  + t.get("trigger_rule").asText()
                  + "'");
        }
      }
      b.task(
          new TaskSpec(
              id,
              text(t, "type", where, true),
              strings(t.get("params"), where + " params"),
              upstream,
              retries + 1,
              interval,
              timeout,
              rule));
    }
    JsonNode triggers = root.get("triggers");
    if (triggers != null && !triggers.isNull()) {
      if (!triggers.isArray()) {
        throw new IllegalArgumentException(source + ": 'triggers' must be a list");
      }
      int k = 0;
      for (JsonNode t : triggers) {
        String where = source + " triggers[" + k++ + "]";
        if (!t.isObject()) {
          throw new IllegalArgumentException(where + ": expected a mapping");
        }
        unknownKeys(t, TRIGGER_KEYS, where);
        Duration every =
            t.has("every") ? Durations.parse(where + " every", t.get("every").asText()) : null;
        b.trigger(
            new TriggerSpec(
                text(t, "id", where, true),
                text(t, "type", where, true),
                strings(t.get("params"), where + " params"),
                every));
      }
    }
    return b.build();
  }

  private static void unknownKeys(JsonNode node, Set<String> known, String where) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            where + ": unknown key '" + name + "' (known: " + new java.util.TreeSet<>(known) + ")");
      }
    }
  }

  private static String text(JsonNode node, String field, String where, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException(where + ": '" + field + "' is required");
      }
      return null;
    }
    if (!v.isValueNode()) {
      throw new IllegalArgumentException(where + ": '" + field + "' must be text");
    }
    return v.asText();
  }

  private static int integer(JsonNode v, String where) {
    if (!v.canConvertToInt() || v.asInt() < 0) {
      throw new IllegalArgumentException(where + ": a whole number >= 0, got " + v);
    }
    return v.asInt();
  }

  private static Map<String, String> strings(JsonNode node, String where) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + ": expected a mapping of names to values");
    }
    node.fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isValueNode()) {
                throw new IllegalArgumentException(
                    where + " " + e.getKey() + ": must be a plain value");
              }
              out.put(e.getKey(), e.getValue().asText());
            });
    return out;
  }
}
