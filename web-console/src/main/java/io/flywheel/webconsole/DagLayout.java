package io.flywheel.webconsole;

import io.flywheel.workflows.TaskSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's DAG laid out for an SVG, on the server: each task in the column of its longest path
 * from a root (so every edge points right), tasks of a column stacked in the order they are
 * declared.
 */
final class DagLayout {
  static final int WIDTH = 170;
  static final int HEIGHT = 44;
  static final int GAP_X = 50;
  static final int GAP_Y = 18;

  record Node(String id, String type, int x, int y, String state) {
    int centreY() {
      return y + HEIGHT / 2;
    }
  }

  record Edge(int x1, int y1, int x2, int y2) {}

  record Graph(List<Node> nodes, List<Edge> edges, int width, int height) {}

  private DagLayout() {}

  static Graph of(List<TaskSpec> tasks, Map<String, String> states) {
    Map<String, Integer> column = new HashMap<>();
    for (TaskSpec t : tasks) {
      depth(t.id(), tasks, column, 0);
    }
    Map<Integer, Integer> rows = new HashMap<>();
    Map<String, Node> nodes = new HashMap<>();
    List<Node> ordered = new ArrayList<>();
    int maxRow = 0;
    int maxColumn = 0;
    for (TaskSpec t : tasks) {
      int c = column.get(t.id());
      int r = rows.merge(c, 1, Integer::sum) - 1;
      maxRow = Math.max(maxRow, r);
      maxColumn = Math.max(maxColumn, c);
      Node n =
          new Node(
              t.id(),
              t.type(),
              10 + c * (WIDTH + GAP_X),
              10 + r * (HEIGHT + GAP_Y),
              states.getOrDefault(t.id(), "PENDING"));
      nodes.put(t.id(), n);
      ordered.add(n);
    }
    List<Edge> edges = new ArrayList<>();
    for (TaskSpec t : tasks) {
      Node to = nodes.get(t.id());
      for (String up : t.upstream()) {
        Node from = nodes.get(up);
        if (from != null) {
          edges.add(new Edge(from.x() + WIDTH, from.centreY(), to.x(), to.centreY()));
        }
      }
    }
    return new Graph(
        ordered,
        edges,
        20 + (maxColumn + 1) * (WIDTH + GAP_X) - GAP_X,
        20 + (maxRow + 1) * (HEIGHT + GAP_Y) - GAP_Y);
  }

  private static int depth(
      String id, List<TaskSpec> tasks, Map<String, Integer> column, int guard) {
    Integer known = column.get(id);
    if (known != null) {
      return known;
    }
    if (guard > tasks.size()) {
      throw new IllegalStateException("the pipeline's tasks form a cycle at " + id);
    }
    TaskSpec t = tasks.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    int d = 0;
    for (String up : t.upstream()) {
      d = Math.max(d, depth(up, tasks, column, guard + 1) + 1);
    }
    column.put(id, d);
    return d;
  }
}
