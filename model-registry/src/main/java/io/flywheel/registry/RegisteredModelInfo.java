package io.flywheel.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;

/** A registered model: its latest version number and which version each alias points at. */
public record RegisteredModelInfo(
    String name,
    String description,
    int latestVersion,
    Map<String, Integer> aliases,
    Map<String, String> tags,
    long updatedAtMillis) {

  static RegisteredModelInfo of(RegisteredModel m) {
    Map<String, Integer> aliases = new LinkedHashMap<>();
    m.getAliasesList().forEach(a -> aliases.put(a.getAlias(), Integer.parseInt(a.getVersion())));
    Map<String, String> tags = new LinkedHashMap<>();
    m.getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
    int latest =
        m.getLatestVersionsList().stream()
            .mapToInt(v -> Integer.parseInt(v.getVersion()))
            .max()
            .orElse(0);
    return new RegisteredModelInfo(
        m.getName(),
        m.getDescription(),
        latest,
        Map.copyOf(aliases),
        Map.copyOf(tags),
        m.getLastUpdatedTimestamp());
  }
}
