package io.flywheel.featurestore;

import java.time.Duration;
import java.util.List;

/**
 * A named, versioned group of features about one kind of entity (user, product, content, variant),
 * as declared in {@code feature-views.yaml}.
 *
 * @param ttl how long an online value lives after its last update
 */
public record FeatureView(
    String name,
    int version,
    String entity,
    Duration ttl,
    String description,
    List<FeatureSpec> features) {

  public FeatureView {
    features = List.copyOf(features);
  }

  /** Store-level identity: values of different versions never mix. */
  public String qualifiedName() {
    return name + ".v" + version;
  }

  public List<String> featureNames() {
    return features.stream().map(FeatureSpec::name).toList();
  }

  public FeatureSpec feature(String featureName) {
    return features.stream()
        .filter(f -> f.name().equals(featureName))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "view " + name + " has no feature '" + featureName + "'"));
  }
}
