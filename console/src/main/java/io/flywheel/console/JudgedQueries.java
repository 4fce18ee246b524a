package io.flywheel.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.benchmarks.ContentBenchmark;
import io.flywheel.content.CopyLocale;
import io.flywheel.core.MarketplaceSimulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulator's search events with their judged products ({@code search} lines of the world's
 * truth), each distinct query and locale once.
 */
final class JudgedQueries {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JudgedQueries() {}

  static List<ContentBenchmark.JudgedQuery> load(Path world) throws IOException {
    List<ContentBenchmark.JudgedQuery> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    try (BufferedReader r =
        Files.newBufferedReader(world.resolve(MarketplaceSimulator.TRUTH_FILE))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.contains("\"search\"")) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        if (!"search".equals(n.path("kind").asText()) || n.path("relevance").isEmpty()) {
          continue;
        }
        CopyLocale locale = CopyLocale.fromTag(n.path("locale").asText("en-US"), "locale");
        String query = n.path("query").asText();
        if (!seen.add(locale.tag() + "|" + query)) {
          continue;
        }
        Map<String, Double> grades = new LinkedHashMap<>();
        n.path("relevance")
            .fields()
            .forEachRemaining(e -> grades.put(e.getKey(), e.getValue().asDouble()));
        out.add(new ContentBenchmark.JudgedQuery(query, locale, grades));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException(
          "no judged search queries in "
              + world.resolve(MarketplaceSimulator.TRUTH_FILE)
              + ": simulate the world again with this version");
    }
    return out;
  }
}
