package io.flywheel.console;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.workflows.FlywheelWorker;
import io.flywheel.workflows.Orchestration;
import io.flywheel.workflows.Pipelines;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel worker}: hosts every module's activities for a Temporal cluster. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description =
        "Run a Flywheel worker against TEMPORAL_ADDRESS (the DAG workflow and every "
            + "task queue) until Ctrl-C.")
final class WorkerCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (root.config().temporalAddress() == null) {
      throw new ParameterException(
          spec.commandLine(),
          "TEMPORAL_ADDRESS is not set: in local "
              + "mode `flywheel pipelines run` starts its own worker");
    }
    FlywheelConfig config = root.config();
    try (Pipelines pipelines =
        Pipelines.connect(
            config.temporalAddress(),
            config.temporalNamespace(),
            Orchestration.catalog(root.home(), config),
            root.home())) {
      FlywheelWorker worker = FlywheelWorker.start(pipelines, false);
      Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
      spec.commandLine()
          .getOut()
          .println(
              "worker polling "
                  + pipelines.catalog().queues()
                  + " and flywheel-pipelines on "
                  + config.temporalAddress()
                  + " ("
                  + config.temporalNamespace()
                  + "); Ctrl-C stops");
      spec.commandLine().getOut().flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
