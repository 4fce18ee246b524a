package io.flywheel.registry;

import java.util.List;
import java.util.Map;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionTag;

/**
 * One registered version of a model: where its files are ({@code source}), the run that produced
 * it, its aliases ({@code champion}, {@code challenger}) and its lineage tags.
 */
public record ModelVersionInfo(
    String model,
    int version,
    String runId,
    String source,
    String status,
    List<String> aliases,
    Map<String, String> tags,
    long createdAtMillis,
    String description) {

  static ModelVersionInfo of(ModelVersion v) {
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    for (ModelVersionTag t : v.getTagsList()) {
      tags.put(t.getKey(), t.getValue());
    }
    return new ModelVersionInfo(
        v.getName(),
        Integer.parseInt(v.getVersion()),
        v.getRunId(),
        v.getSource(),
        v.getStatus().name(),
        List.copyOf(v.getAliasesList()),
        Map.copyOf(tags),
        v.getCreationTimestamp(),
        v.getDescription());
  }

  /** {@code name:version}, how the CLI names a version. */
  public String ref() {
    return model + ":" + version;
  }
}
