package io.flywheel.console;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

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
    InputFiles.require(
        commandLine, "--events", file, " (run `flywheel simulate` first, or name one)");
    return file;
  }

  /** The file to follow: it may not exist yet (its writer creates it with its first line). */
  Path resolveToFollow(Path home) {
    return events != null ? events : home.resolve("world").resolve("events.jsonl");
  }
}
