package io.flywheel.webconsole;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A bandit arm's allocation over time, from what delivery logged: per UTC day, the share of its
 * choices that went to each message angle (an impression logged twice counts once).
 */
final class BanditAllocation {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long DAY = 86_400_000L;

  private BanditAllocation() {}

  /** The chart's data (x: day number from the first, one series per angle), or null if none. */
  static String chart(List<Path> files, String experiment, String arm) throws IOException {
    Map<Long, Map<String, Integer>> byDay = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (Path file : files) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (!line.contains("\"copyArm\"") || !line.contains(experiment)) {
            continue;
          }
          JsonNode n;
          try {
            n = JSON.readTree(line);
          } catch (IOException malformed) {
            continue;
          }
          if (!experiment.equals(n.path("experimentId").asText())
              || !arm.equals(n.path("arm").asText())
              || !seen.add(n.path("requestId").asText() + "#" + n.path("position").asText())) {
            continue;
          }
          byDay
              .computeIfAbsent(n.path("timestamp").asLong() / DAY, d -> new TreeMap<>())
              .merge(n.path("copyArm").asText(), 1, Integer::sum);
        }
      }
    }
    if (byDay.isEmpty()) {
      return null;
    }
    Set<String> angles = new java.util.TreeSet<>();
    byDay.values().forEach(m -> angles.addAll(m.keySet()));
    long first = byDay.keySet().iterator().next();
    List<String> labels = new ArrayList<>(angles);
    List<List<double[]>> series = new ArrayList<>();
    for (String angle : labels) {
      List<double[]> points = new ArrayList<>();
      byDay.forEach(
          (day, counts) -> {
            double total = counts.values().stream().mapToInt(Integer::intValue).sum();
            points.add(new double[] {day - first + 1, 100 * counts.getOrDefault(angle, 0) / total});
          });
      series.add(points);
    }
    return RunPages.chart(arm + ": share of choices per message angle, % (x: day)", labels, series);
  }
}
