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

  /** Replaces {@code target} with {@code text} (UTF-8). */
  public static void writeString(Path target, String text) throws IOException {
    replace(target, partial -> Files.writeString(partial, text));
  }

  /** Replaces {@code target} with a copy of {@code source}. */
  public static void copy(Path source, Path target) throws IOException {
    replace(target, partial -> Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING));
  }

  private interface Fill {
    void into(Path partial) throws IOException;
  }

  private static void replace(Path target, Fill fill) throws IOException {
    Path partial = Files.createTempFile(target.toAbsolutePath().getParent(), ".partial-", ".tmp");
    try {
      fill.into(partial);
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
