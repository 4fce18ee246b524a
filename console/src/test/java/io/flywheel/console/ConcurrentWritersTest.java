package io.flywheel.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.featurestore.StoreLock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two writers of one feature store: the second is refused naming the first, nothing written. */
class ConcurrentWritersTest {
  @TempDir Path home;

  private static int run(StringWriter err, String... args) {
    return FlywheelCli.execute(
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
  }

  @Test
  void aSecondFeaturesRunIsRefusedWhileAnotherWritesTheStore() throws Exception {
    assertThat(
            run(
                new StringWriter(),
                "--home",
                home.toString(),
                "simulate",
                "--users",
                "50",
                "--products",
                "10",
                "--days",
                "1",
                "--quiet"))
        .isZero();
    StringWriter err = new StringWriter();
    try (StoreLock writer =
        StoreLock.acquire(
            home.resolve("features"), "writer", "the feature store's writer", Duration.ZERO)) {
      int code = run(err, "--home", home.toString(), "features", "run", "--quiet");
      assertThat(code).isEqualTo(1);
    }
    assertThat(err.toString())
        .contains(
            "the feature store's writer",
            "is in use by process " + ProcessHandle.current().pid(),
            "--wait-lock");
    assertThat(home.resolve("features").resolve("offline")).doesNotExist();
  }
}
