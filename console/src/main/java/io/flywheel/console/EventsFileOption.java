package io.flywheel.console;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --events FILE}: the events.jsonl a command replays, HOME/world's by default. */
final class EventsFileOption {
  @Option(
      names = "--events",
      paramLabel = "FILE",
      description = "events.jsonl to replay (default: HOME/world/events.jsonl).")
  Path events;

  /** The file to replay; a missing one is a usage error naming the option. */
  Path resolve(Path home, CommandLine commandLine) {
    Path file = events != null ? events : home.resolve("world").resolve("events.jsonl");
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(
          commandLine,
          "--events " + file + ": no such file (run `flywheel simulate` first, or name one)");
    }
    return file;
  }
}
