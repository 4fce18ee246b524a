package io.flywheel.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunTag;

/**
 * MLflow's {@code order_by} for {@code runs/search} and {@code experiments/search}: clauses such as
 * {@code metrics.auc DESC}, {@code params.depth}, {@code tags.`my tag` ASC}, {@code
 * attributes.start_time} (the {@code attributes.} prefix optional). As MLflow's server does, runs
 * missing the key sort after those that have it, and the default order ({@code start_time DESC},
 * then {@code run_id}; for experiments {@code creation_time DESC}, then {@code experiment_id})
 * breaks ties. An unknown key is refused, not ignored.
 */
final class SearchOrder {
  private static final Map<String, Function<Run, Comparable<?>>> RUN_ATTRIBUTES =
      Map.of(
          "start_time", r -> r.getInfo().getStartTime(),
          "end_time", r -> r.getInfo().hasEndTime() ? r.getInfo().getEndTime() : null,
          "status", r -> r.getInfo().getStatus().name(),
          "run_name", r -> r.getInfo().getRunName(),
          "run_id", r -> r.getInfo().getRunId(),
          "user_id", r -> r.getInfo().getUserId(),
          "artifact_uri", r -> r.getInfo().getArtifactUri(),
          "experiment_id", r -> r.getInfo().getExperimentId());
  private static final Map<String, Function<Experiment, Comparable<?>>> EXPERIMENT_ATTRIBUTES =
      Map.of(
          "name", Experiment::getName,
          "experiment_id", e -> Long.parseLong(e.getExperimentId()),
          "creation_time", Experiment::getCreationTime,
          "last_update_time", Experiment::getLastUpdateTime);

  private SearchOrder() {}

  static List<Run> runs(List<Run> runs, List<String> orderBy) {
    List<Comparator<Run>> clauses = new ArrayList<>();
    for (String clause : orderBy) {
      Clause c = Clause.parse(clause);
      Function<Run, Comparable<?>> key =
          switch (c.kind) {
            case "metrics" -> r -> metric(r, c.name);
            case "params" -> r -> param(r, c.name);
            case "tags" -> r -> tag(r, c.name);
            case "attributes" -> {
              Function<Run, Comparable<?>> attribute = RUN_ATTRIBUTES.get(c.name);
              if (attribute == null) {
                throw invalid(clause, "unknown attribute; known: " + RUN_ATTRIBUTES.keySet());
              }
              yield attribute;
            }
            default -> throw invalid(clause, "expected metrics., params., tags. or attributes.");
          };
      clauses.add(comparing(key, c.ascending));
    }
    clauses.add(comparing(RUN_ATTRIBUTES.get("start_time"), false));
    clauses.add(comparing(RUN_ATTRIBUTES.get("run_id"), true));
    return sorted(runs, clauses);
  }

  static List<Experiment> experiments(List<Experiment> experiments, List<String> orderBy) {
    List<Comparator<Experiment>> clauses = new ArrayList<>();
    for (String clause : orderBy) {
      Clause c = Clause.parse(clause);
      Function<Experiment, Comparable<?>> attribute = EXPERIMENT_ATTRIBUTES.get(c.name);
      if (!c.kind.equals("attributes") || attribute == null) {
        throw invalid(
            clause, "experiments are ordered by " + EXPERIMENT_ATTRIBUTES.keySet() + " only");
      }
      clauses.add(comparing(attribute, c.ascending));
    }
    clauses.add(comparing(EXPERIMENT_ATTRIBUTES.get("creation_time"), false));
    clauses.add(comparing(EXPERIMENT_ATTRIBUTES.get("experiment_id"), true));
    return sorted(experiments, clauses);
  }

  private static <T> List<T> sorted(List<T> items, List<Comparator<T>> clauses) {
    Comparator<T> order = clauses.get(0);
    for (int i = 1; i < clauses.size(); i++) {
      order = order.thenComparing(clauses.get(i));
    }
    List<T> out = new ArrayList<>(items);
    out.sort(order);
    return out;
  }

  /** Missing values last whichever the direction. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> Comparator<T> comparing(Function<T, Comparable<?>> key, boolean ascending) {
    return (a, b) -> {
      Comparable x = key.apply(a);
      Comparable y = key.apply(b);
      if (x == null || y == null) {
        return x == null ? (y == null ? 0 : 1) : -1;
      }
      int c = x.compareTo(y);
      return ascending ? c : -c;
    };
  }

  private static Double metric(Run run, String name) {
    for (Metric m : run.getData().getMetricsList()) {
      if (m.getKey().equals(name)) {
        return m.getValue();
      }
    }
    return null;
  }

  private static String param(Run run, String name) {
    for (Param p : run.getData().getParamsList()) {
      if (p.getKey().equals(name)) {
        return p.getValue();
      }
    }
    return null;
  }

  private static String tag(Run run, String name) {
    for (RunTag t : run.getData().getTagsList()) {
      if (t.getKey().equals(name)) {
        return t.getValue();
      }
    }
    return null;
  }

  private static MlflowError invalid(String clause, String why) {
    return MlflowError.invalid("order_by", "'" + clause + "': " + why);
  }

  /** One clause: {@code kind.name [ASC|DESC]}. */
  private record Clause(String kind, String name, boolean ascending) {
    static Clause parse(String text) {
      String clause = text.trim();
      boolean ascending = true;
      String upper = clause.toUpperCase(Locale.ROOT);
      if (upper.endsWith(" DESC")) {
        ascending = false;
        clause = clause.substring(0, clause.length() - 5).trim();
      } else if (upper.endsWith(" ASC")) {
        clause = clause.substring(0, clause.length() - 4).trim();
      }
      if (clause.isEmpty() || clause.contains(" ") && !clause.contains("`")) {
        throw invalid(text, "expected KEY [ASC|DESC]");
      }
      int dot = clause.indexOf('.');
      String kind = dot < 0 ? "attributes" : clause.substring(0, dot);
      String name = dot < 0 ? clause : clause.substring(dot + 1);
      if (kind.equals("metric")) {
        kind = "metrics";
      } else if (kind.equals("param")) {
        kind = "params";
      } else if (kind.equals("tag")) {
        kind = "tags";
      } else if (kind.equals("attribute") || kind.equals("run")) {
        kind = "attributes";
      }
      if (name.length() >= 2
          && (name.startsWith("`") && name.endsWith("`")
              || name.startsWith("\"") && name.endsWith("\""))) {
        name = name.substring(1, name.length() - 1);
      }
      if (name.isEmpty()) {
        throw invalid(text, "no key named");
      }
      return new Clause(kind, name, ascending);
    }
  }
}
