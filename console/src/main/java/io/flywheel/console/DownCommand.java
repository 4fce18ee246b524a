package io.flywheel.console;

import io.flywheel.core.LocalServices;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel down}: stops what {@code flywheel up} runs for the home. */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = "Stop the services `flywheel up` runs for the home (as Ctrl-C would).")
final class DownCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path home = root.home();
    Optional<LocalServices.Running> running = LocalServices.of(home);
    if (running.isEmpty()) {
      spec.commandLine().getOut().println("nothing is up for " + home);
      return 0;
    }
    long pid = running.get().pid();
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty()) {
      spec.commandLine().getOut().println("nothing is up for " + home);
      return 0;
    }
    // SIGTERM: the process runs its shutdown hook, closes every service and withdraws the file.
    process.get().destroy();
    try {
      process.get().onExit().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      spec.commandLine()
          .getErr()
          .println("error: pid " + pid + " did not stop within 60 s; it is still running");
      return 1;
    }
    spec.commandLine()
        .getOut()
        .printf("stopped %d services of %s (pid %d)%n", running.get().services().size(), home, pid);
    return 0;
  }
}
