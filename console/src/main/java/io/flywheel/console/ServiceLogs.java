package io.flywheel.console;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Sends the process's log to {@code HOME/logs/<command>.log} (levels INFO and up; the terminal
 * hears only errors, a line each). Set once the command line is parsed, because only then are the
 * home and the command known.
 */
final class ServiceLogs {
  static final String PROPERTY = "flywheel.log.file";

  private ServiceLogs() {}

  static void to(Path home, String command) {
    // A home that does not exist yet is the command's to create (or to refuse, for readers);
    // until then its log goes to the temp folder.
    Path dir =
        Files.isDirectory(home)
            ? home.resolve("logs")
            : Path.of(System.getProperty("java.io.tmpdir"), "flywheel-logs");
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException | SecurityException e) {
      return; // an unwritable home is reported by the command itself, in its own words
    }
    Path file = dir.resolve(command + ".log").toAbsolutePath().normalize();
    if (file.toString().equals(System.getProperty(PROPERTY))) {
      return;
    }
    System.setProperty(PROPERTY, file.toString());
    LoggerContext.getContext(false).reconfigure();
  }
}
