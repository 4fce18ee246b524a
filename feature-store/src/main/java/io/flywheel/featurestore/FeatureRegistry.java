package io.flywheel.featurestore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flywheel.core.DurationText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The feature views Flywheel computes and serves, loaded from a YAML registry. */
public final class FeatureRegistry {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final Set<String> ENTITIES = Set.of("user", "product", "content", "variant");

  private final int version;
  private final Map<String, FeatureView> views;

  private FeatureRegistry(int version, Map<String, FeatureView> views) {
    this.version = version;
    this.views = views;
  }

  /** The registry shipped with Flywheel ({@code feature-views.yaml} on the class path). */
  public static FeatureRegistry builtIn() {
    try (InputStream in = FeatureRegistry.class.getResourceAsStream("/feature-views.yaml")) {
      if (in == null) {
        throw new IllegalStateException("feature-views.yaml is missing from the class path");
      }
      return parse(YAML.readTree(in), "feature-views.yaml");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static FeatureRegistry load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(YAML.readTree(in), file.toString());
    }
  }

  static FeatureRegistry parse(JsonNode root, String source) {
    if (root == null || !root.isObject() || !root.path("views").isArray()) {
      throw new IllegalArgumentException(source + ": expected a mapping with a 'views' list");
    }
    Map<String, FeatureView> views = new LinkedHashMap<>();
    for (JsonNode node : root.get("views")) {
      String name = required(node, "name", source);
      String where = source + ": view " + name;
      String entity = required(node, "entity", where);
      if (!ENTITIES.contains(entity)) {
        throw new IllegalArgumentException(
            where + ": unknown entity '" + entity + "' (expected one of " + ENTITIES + ")");
      }
      int viewVersion = node.path("version").asInt(0);
      if (viewVersion < 1) {
        throw new IllegalArgumentException(where + ": 'version' must be a positive integer");
      }
      List<FeatureSpec> features = new ArrayList<>();
      Set<String> names = new java.util.HashSet<>();
      for (JsonNode f : node.path("features")) {
        String featureName = required(f, "name", where);
        if (!names.add(featureName)) {
          throw new IllegalArgumentException(
              where + ": feature '" + featureName + "' declared twice");
        }
        features.add(
            new FeatureSpec(
                featureName,
                FeatureType.parse(
                    required(f, "type", where + "." + featureName), where + "." + featureName),
                f.path("description").asText("")));
      }
      if (features.isEmpty()) {
        throw new IllegalArgumentException(where + ": declares no features");
      }
      if (views.put(
              name,
              new FeatureView(
                  name,
                  viewVersion,
                  entity,
                  duration(required(node, "ttl", where), where),
                  node.path("description").asText(""),
                  features))
          != null) {
        throw new IllegalArgumentException(where + ": declared twice");
      }
    }
    return new FeatureRegistry(root.path("version").asInt(1), views);
  }

  private static String required(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isValueNode() || value.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": '" + field + "' is required");
    }
    return value.asText();
  }

  static Duration duration(String text, String where) {
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": ttl " + e.getMessage());
    }
  }

  public int version() {
    return version;
  }

  public Collection<FeatureView> views() {
    return views.values();
  }

  /** The view called {@code name}; an unknown name is an error that lists the known ones. */
  public FeatureView view(String name) {
    FeatureView view = views.get(name);
    if (view == null) {
      throw new IllegalArgumentException(
          "unknown feature view '" + name + "' (known: " + views.keySet() + ")");
    }
    return view;
  }
}
