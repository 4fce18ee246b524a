package io.flywheel.console;

import io.flywheel.core.LocalServices;
import io.flywheel.core.ServiceHealth;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code flywheel up} for a home as a child process of this one (same Java, flags and classpath):
 * how the demo shows the local platform without holding the home's stores itself.
 */
final class UpProcess implements AutoCloseable {
  private final Process process;
  private final Path home;

  private UpProcess(Process process, Path home) {
    this.process = process;
    this.home = home;
  }

  /**
   * Starts it and waits until its services are published (or it fails, with its log); its POST
   * endpoints take {@code apiToken} (passed in its environment, never on its command line).
   */
  static UpProcess start(Path home, Duration timeout, String apiToken)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            FlywheelCli.class.getName(),
            "--home",
            home.toString(),
            "up",
            "--any-ports",
            "--no-triggers"));
    Path log = Files.createDirectories(home.resolve("logs")).resolve("up-child.out");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put(io.flywheel.core.FlywheelConfig.FLYWHEEL_API_TOKEN.env(), apiToken);
    Process process = builder.start();
    UpProcess up = new UpProcess(process, home);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (LocalServices.of(home).filter(r -> r.pid() == process.pid()).isEmpty()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        up.close();
        throw new IOException("`flywheel up` did not start; its output: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return up;
  }

  /** Waits until every service reports healthy (models loaded), or the timeout. */
  UpProcess awaitHealthy(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline
        && !ServiceHealth.check(services().services()).stream()
            .allMatch(ServiceHealth.Checked::up)) {
      Thread.sleep(200);
    }
    return this;
  }

  /** What it published. */
  LocalServices.Running services() {
    return LocalServices.of(home).orElseThrow();
  }

  /** Stops it as `flywheel down` does (SIGTERM, so it closes every service). */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
