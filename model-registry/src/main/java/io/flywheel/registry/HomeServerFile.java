package io.flywheel.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.core.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a home's embedded tracking server runs ({@code HOME/mlflow/server.json}: pid, URL and its
 * per-process token, readable by the owner only), so a second process on the same home talks to
 * that server over MLflow's protocol instead of opening the same database file.
 */
final class HomeServerFile {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String NAME = "server.json";

  /** What the file says. */
  record Entry(long pid, String trackingUri, String token) {}

  private HomeServerFile() {}

  /** The server another live process runs for this folder, if any. */
  static Optional<Entry> runningElsewhere(Path folder) {
    Path file = folder.resolve(NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Entry e = JSON.readValue(file.toFile(), Entry.class);
      boolean alive =
          e.pid() != ProcessHandle.current().pid()
              && ProcessHandle.of(e.pid()).map(ProcessHandle::isAlive).orElse(false);
      return alive ? Optional.of(e) : Optional.empty();
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty(); // a torn or stale file: whoever starts a server rewrites it
    }
  }

  /**
   * Writes the file owner-only from its first byte (created with those permissions, then moved into
   * place), since it holds the server's token.
   */
  static void write(Path folder, Entry entry) throws IOException {
    AtomicFiles.writeString(folder.resolve(NAME), JSON.writeValueAsString(entry));
  }

  /** Removes the file if it still describes this process's server. */
  static void remove(Path folder) {
    Path file = folder.resolve(NAME);
    try {
      Entry e = JSON.readValue(file.toFile(), Entry.class);
      if (e.pid() == ProcessHandle.current().pid()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException | RuntimeException gone) {
      // nothing to remove
    }
  }
}
