package io.flywheel.console;

import io.flywheel.core.LocalServices;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.webconsole.WebConsole;
import io.flywheel.workflows.Orchestration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel console}: the web console of a home, on its own (`flywheel up` serves one too).
 * Pipelines are acted on through the home's Temporal service when one runs (or the configured
 * cluster), else read from the run index.
 */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description =
        "Serve the web console (runs, models, pipelines, features, A/B results, content review) "
            + "until Ctrl-C; actions need sign-in with $FLYWHEEL_API_TOKEN.")
final class WebConsoleCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  private String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  private int port;

  @Override
  public Integer call() throws Exception {
    Path home = root.home();
    PrintWriter out = spec.commandLine().getOut();
    var served = LocalServices.find(home, LocalServices.CONSOLE);
    if (served.isPresent()) {
      throw new ParameterException(
          spec.commandLine(),
          "--home " + home + ": `flywheel up` already serves the console at " + served.get().url());
    }
    boolean service =
        root.config().temporalAddress() != null
            || LocalServices.find(home, LocalServices.TEMPORAL).isPresent();
    try (ModelRegistry registry = root.registry(home);
        Orchestration orchestration = service ? Orchestration.open(home, root.config()) : null;
        WebConsole console =
            WebConsole.builder(home)
                .config(root.config())
                .registry(registry)
                .pipelines(orchestration == null ? null : orchestration.pipelines())
                .token(root.config().apiToken())
                .start(host, port)) {
      out.printf(
          "web console on %s (%s; %s); Ctrl-C stops%n",
          console.url(),
          orchestration == null
              ? "pipelines read from the run index: start `flywheel up` to act on them"
              : "pipelines through " + orchestration.where(),
          root.config().apiToken() == null
              ? "read-only: set FLYWHEEL_API_TOKEN to act"
              : "sign in with FLYWHEEL_API_TOKEN to act");
      out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
