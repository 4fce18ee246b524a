package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A world too big for the heap is refused before anything is allocated or written. */
class SimulationSizeTest {
  @TempDir Path dir;

  @Test
  void tooManyShoppersAreRefusedNamingTheLargestThatFits() throws Exception {
    assertThatThrownBy(
            () ->
                MarketplaceSimulator.run(
                    new SimulationConfig(2_000_000_000, 200, 1, 1, 0, WorldConfig.defaults()),
                    dir.resolve("out"),
                    SimulationProgress.NONE))
        .isInstanceOfSatisfying(
            InvalidRecordException.class,
            e -> {
              assertThat(e.field()).isEqualTo("users");
              assertThat(e.getMessage())
                  .contains(
                      "2,000,000,000 shoppers",
                      "MB of heap",
                      "at most",
                      "shoppers with these products",
                      "FLYWHEEL_JAVA_OPTS");
            });
    assertThat(Files.exists(dir.resolve("out"))).isFalse();
  }

  @Test
  void tooManyProductsAreRefusedToo() {
    assertThatThrownBy(
            () ->
                MarketplaceSimulator.run(
                    new SimulationConfig(100, 2_000_000_000, 1, 1, 0, WorldConfig.defaults()),
                    dir.resolve("out"),
                    SimulationProgress.NONE))
        .isInstanceOfSatisfying(
            InvalidRecordException.class, e -> assertThat(e.field()).isEqualTo("products"));
  }
}
