package io.flywheel.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Whole-file replacement that readers never see half done: write a hidden temporary file beside the
 * target, then rename it over the target in one step.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Replaces {@code target} with {@code text} (UTF-8), readable by its owner only. */
  public static void writeString(Path target, String text) throws IOException {
    replace(target, partial -> Files.writeString(partial, text), false);
  }

  /** Replaces {@code target} with a copy of {@code source}, readable by its owner only. */
  public static void copy(Path source, Path target) throws IOException {
    replace(
        target, partial -> Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING), false);
  }

  /**
   * As {@link #writeString}, but readable by everyone (mode 0644): for files another user's server
   * reads, such as a Triton model repository.
   */
  public static void writeShared(Path target, byte[] bytes) throws IOException {
    replace(target, partial -> Files.write(partial, bytes), true);
  }

  private interface Fill {
    void into(Path partial) throws IOException;
  }

  private static void replace(Path target, Fill fill, boolean shared) throws IOException {
    Path partial = Files.createTempFile(target.toAbsolutePath().getParent(), ".partial-", ".tmp");
    try {
      fill.into(partial);
      if (shared && partial.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(
            partial, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
