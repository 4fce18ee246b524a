package io.flywheel.console;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The check every command makes on a file it is told to read, with one wording for each case. */
final class InputFiles {
  private InputFiles() {}

  /**
   * Refuses {@code file} unless it is a readable regular file; the error names {@code option}.
   *
   * @param hint appended to "no such file" (empty for none)
   */
  static void require(CommandLine commandLine, String option, Path file, String hint) {
    if (Files.isDirectory(file)) {
      throw new ParameterException(
          commandLine, option + " " + file + ": is a directory, not a file");
    }
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(commandLine, option + " " + file + ": no such file" + hint);
    }
    if (!Files.isReadable(file)) {
      throw new ParameterException(commandLine, option + " " + file + ": not readable");
    }
  }

  static void require(CommandLine commandLine, String option, Path file) {
    require(commandLine, option, file, "");
  }
}
