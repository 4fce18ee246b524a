package io.flywheel.workflows;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each task's log, one file per run and task ({@code HOME/workflows/logs/<run>/<task>.log}): every
 * attempt's start, the progress it reported, and how it ended (outputs, or the error with its stack
 * trace). Written by the worker that runs the task; read by the web console. A log that cannot be
 * written never fails the task.
 */
public final class TaskLogs {
  private static final Logger LOG = LoggerFactory.getLogger(TaskLogs.class);
  private static final long MAX_BYTES = 1 << 20;

  private final Path dir;

  TaskLogs(Path dir) {
    this.dir = dir;
  }

  /** The logs of a home's runs. */
  public static TaskLogs of(Path home) {
    return new TaskLogs(home.resolve("workflows").resolve("logs"));
  }

  /** The task's log so far, if it has one. */
  public Optional<String> read(String runId, String taskId) throws IOException {
    Path file = file(runId, taskId);
    return Files.isRegularFile(file)
        ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
        : Optional.empty();
  }

  void line(String runId, String taskId, String text) {
    Path file = file(runId, taskId);
    try {
      Files.createDirectories(file.getParent());
      if (Files.isRegularFile(file) && Files.size(file) > MAX_BYTES) {
        return; // a runaway task's log stops growing; the first megabyte tells the story
      }
      Files.writeString(
          file,
          Instant.now() + "  " + text + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      LOG.warn("task log {} not written: {}", file, e.toString());
    }
  }

  void failure(String runId, String taskId, int attempt, Throwable e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    line(runId, taskId, "attempt " + attempt + " failed: " + trace);
  }

  private Path file(String runId, String taskId) {
    if (!runId.matches("[A-Za-z0-9_.-]+") || !taskId.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("not a run and task id: " + runId + " / " + taskId);
    }
    return dir.resolve(runId).resolve(taskId + ".log");
  }
}
