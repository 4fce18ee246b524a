package io.flywheel.featurestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureRegistryTest {
  @TempDir Path dir;

  @Test
  void builtInRegistryDeclaresVersionedViewsWithTtls() {
    FeatureRegistry registry = FeatureRegistry.builtIn();
    FeatureView activity = registry.view("user_activity");
    assertThat(activity.entity()).isEqualTo("user");
    assertThat(activity.version()).isEqualTo(1);
    assertThat(activity.qualifiedName()).isEqualTo("user_activity.v1");
    assertThat(activity.ttl()).isEqualTo(Duration.ofDays(30));
    assertThat(activity.featureNames()).hasSize(16).contains("clicks_7d", "ctr_7d");
    assertThatThrownBy(() -> registry.view("orders"))
        .hasMessageContaining("unknown feature view 'orders'");
  }

  @Test
  void brokenRegistriesAreRejectedWithTheirLocation() throws IOException {
    assertThatThrownBy(
            () ->
                load(
                    "views:\n  - {name: a, version: 1, entity: shop, ttl: 1d, "
                        + "features: [{name: x, type: number}]}\n"))
        .hasMessageContaining("view a: unknown entity 'shop'");
    assertThatThrownBy(
            () ->
                load(
                    "views:\n  - {name: a, version: 1, entity: user, ttl: 1w, "
                        + "features: [{name: x, type: number}]}\n"))
        .hasMessageContaining("ttl '1w'");
    assertThatThrownBy(
            () ->
                load(
                    "views:\n  - {name: a, version: 1, entity: user, ttl: 1d, "
                        + "features: [{name: x, type: vector}]}\n"))
        .hasMessageContaining("view a.x: unknown feature type 'vector'");
    assertThatThrownBy(
            () ->
                load(
                    "views:\n  - {name: a, version: 1, entity: user, ttl: 1d, "
                        + "features: [{name: x, type: number}, {name: x, type: text}]}\n"))
        .hasMessageContaining("feature 'x' declared twice");
    assertThatThrownBy(
            () ->
                load(
                    "views:\n  - {name: a, entity: user, ttl: 1d, "
                        + "features: [{name: x, type: number}]}\n"))
        .hasMessageContaining("'version' must be a positive integer");
  }

  private FeatureRegistry load(String yaml) throws IOException {
    Path file = dir.resolve("views.yaml");
    Files.writeString(file, yaml);
    return FeatureRegistry.load(file);
  }
}
