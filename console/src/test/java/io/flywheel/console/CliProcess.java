package io.flywheel.console;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A {@code flywheel} command in its own JVM (this test JVM's flags and classpath), to be killed.
 */
final class CliProcess {
  private CliProcess() {}

  /** Starts {@code flywheel ARGS} with extra JVM flags; stdout and stderr go to {@code log}. */
  static Process start(Path log, List<String> jvmFlags, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent"))
        .forEach(command::add);
    command.addAll(jvmFlags);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), FlywheelCli.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Waits (up to two minutes) for {@code condition}, failing if the process ends first. */
  static void await(String what, Process process, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new AssertionError("the process ended while waiting for " + what);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Whether {@code log} contains {@code text} yet. */
  static boolean logged(Path log, String text) {
    try {
      return Files.exists(log) && Files.readString(log).contains(text);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** SIGKILL: no shutdown hook, no finally block runs. */
  static void kill(Process process) throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the process did not die");
    }
  }
}
