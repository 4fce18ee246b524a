package io.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second process on a home uses the home's running tracking server instead of opening its
 * database file; a file left by a dead process is ignored.
 */
class HomeServerTest {
  @TempDir Path folder;

  @Test
  void aHomeWhoseServerRunsElsewhereIsReachedOverMlflowsProtocol() throws Exception {
    try (MlflowCompatibleServer other =
        MlflowCompatibleServer.start(folder, "127.0.0.1", 0, "t0ken")) {
      // As another process would have written it (pid 1 is alive and is not this process).
      HomeServerFile.write(folder, new HomeServerFile.Entry(1, other.trackingUri(), "t0ken"));
      try (ModelRegistry registry = ModelRegistry.embedded(folder)) {
        assertThat(registry.trackingUri()).isEqualTo(other.trackingUri());
        assertThat(registry.isEmbedded()).isTrue();
        TrackedRun run = registry.startRun("shared", "r1", Map.of("k", "v"));
        run.finish();
        assertThat(registry.run(run.runId()).tags()).containsEntry("k", "v");
      }
      // Closing a client of another process's server leaves that server and its file alone.
      assertThat(folder.resolve(HomeServerFile.NAME)).exists();
    }
  }

  @Test
  void aFileLeftByADeadProcessIsIgnoredAndReplaced() throws Exception {
    Files.createDirectories(folder);
    HomeServerFile.write(
        folder, new HomeServerFile.Entry(Long.MAX_VALUE - 1, "http://127.0.0.1:1", "stale"));
    try (ModelRegistry registry = ModelRegistry.embedded(folder)) {
      assertThat(registry.trackingUri()).isNotEqualTo("http://127.0.0.1:1");
      assertThat(Files.readString(folder.resolve(HomeServerFile.NAME)))
          .contains("\"pid\":" + ProcessHandle.current().pid());
      // It holds the server's token: readable by its owner only.
      assertThat(Files.getPosixFilePermissions(folder.resolve(HomeServerFile.NAME)))
          .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(folder.resolve(HomeServerFile.NAME)).doesNotExist();
  }
}
