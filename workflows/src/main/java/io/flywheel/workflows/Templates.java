package io.flywheel.workflows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Airflow-style placeholders in task parameters: {@code {{ ds }}} (logical date, yyyy-MM-dd),
 * {@code {{ ds_nodash }}}, {@code {{ run_id }}}, {@code {{ params.NAME }}} and {@code {{
 * tasks.ID.KEY }}} (an output of an upstream task; empty when that task did not succeed) and {@code
 * {{ tasks.ID.state }}} (its state). Rendering is pure, so the workflow can do it
 * deterministically.
 */
final class Templates {
  static final Set<String> BUILT_INS = Set.of("ds", "ds_nodash", "run_id");

  /** The key under which every task's state is readable: {@code tasks.ID.state}. */
  static final String STATE = "state";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

  private Templates() {}

  static List<String> references(String text) {
    List<String> refs = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text == null ? "" : text);
    while (m.find()) {
      refs.add(m.group(1));
    }
    return refs;
  }

  static String render(String text, Map<String, String> variables) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = variables.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("template: '{{ " + m.group(1) + " }}' has no value");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
