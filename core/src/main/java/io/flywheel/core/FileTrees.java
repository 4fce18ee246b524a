package io.flywheel.core;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removing a scratch folder and everything in it. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Deletes {@code dir} and what it holds (nothing when it does not exist). What vanishes meanwhile
   * is skipped, and a folder something writes into meanwhile is left: scratch space another thread
   * may still be clearing (Flink's checkpoint clean-up) must not fail the caller.
   */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE; // gone meanwhile
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            try {
              Files.deleteIfExists(d);
            } catch (DirectoryNotEmptyException writtenMeanwhile) {
              // left for whoever writes into it
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
