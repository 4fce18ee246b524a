package io.flywheel.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Checks, before any work starts, that an output folder can be created and written. */
final class Writable {
  private Writable() {}

  static void requireDirectory(CommandLine commandLine, Path dir, String option) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new ParameterException(
          commandLine, option + " " + dir + ": folder cannot be written (" + describe(e) + ")");
    }
  }

  private static String describe(Exception e) {
    String type = e.getClass().getSimpleName().replace("Exception", "");
    return e.getMessage() == null ? type : type + ": " + e.getMessage();
  }
}
