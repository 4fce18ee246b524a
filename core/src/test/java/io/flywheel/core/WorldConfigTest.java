package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldConfigTest {
  @TempDir Path dir;

  @Test
  void yamlOverridesOnlyWhatItNames() throws IOException {
    Path file = dir.resolve("world.yaml");
    Files.writeString(file, "slotSize: 6\ninitialUserShare: 0.5\n");
    WorldConfig world = WorldConfig.fromYaml(file);
    assertThat(world.slotSize()).isEqualTo(6);
    assertThat(world.initialUserShare()).isEqualTo(0.5);
    assertThat(world.exploration()).isEqualTo(WorldConfig.defaults().exploration());
  }

  @Test
  void unknownOrBadSettingsNameTheField() throws IOException {
    Path unknown = dir.resolve("unknown.yaml");
    Files.writeString(unknown, "slotsize: 6\n");
    assertThatThrownBy(() -> WorldConfig.fromYaml(unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown field 'slotsize'");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "exploration: 1.5\n");
    assertThatThrownBy(() -> WorldConfig.fromYaml(bad))
        .hasMessageContaining("field 'exploration'")
        .hasMessageContaining("[0, 1]");
    Path badStart = dir.resolve("start.yaml");
    Files.writeString(badStart, "start: yesterday\n");
    assertThatThrownBy(() -> WorldConfig.fromYaml(badStart)).hasMessageContaining("field 'start'");
    Path malformed = Files.writeString(dir.resolve("malformed.yaml"), "users: [1, 2\nseed: 3\n");
    assertThatThrownBy(() -> WorldConfig.fromYaml(malformed))
        .hasMessageStartingWith(malformed.toString())
        .hasMessageContaining("not valid YAML at line");
  }
}
