package io.flywheel.console;

import io.flywheel.deploy.RolloutState;
import io.flywheel.workflows.ModelDeployment;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel rollout status|promote|rollback MODEL}. */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description = "Show a model's rollout, or promote or roll back its canary.")
final class RolloutCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ACTION", description = "status, promote or rollback.")
  private String action;

  @Parameters(index = "1", paramLabel = "MODEL", description = "Deployed model, e.g. flywheel-ctr.")
  private String model;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    if (!java.util.List.of("status", "promote", "rollback").contains(action)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "ACTION: status, " + "promote or rollback; got '" + action + "'");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ModelDeployment deployment = ModelDeployment.open(root.home(), root.config())) {
      RolloutState state = deployment.rollout().state(model);
      if (state.live() == null && state.history().isEmpty()) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "MODEL: '" + model + "' was never deployed (see `flywheel deploy`)");
      }
      state =
          switch (action) {
            case "promote" -> deployment.rollout().promote(model, "manual");
            case "rollback" -> deployment.rollout().rollback(model, "manual");
            default -> state;
          };
      if (output.json()) {
        out.println(TrainCommand.JSON.writeValueAsString(state));
        return 0;
      }
      out.printf(
          Locale.ROOT,
          "%s: live v%s%s%n",
          model,
          state.live(),
          state.canary() == null
              ? ""
              : ", canary v" + state.canary() + " at " + state.canaryPercent() + "%");
      for (RolloutState.Event e : state.history()) {
        out.printf(
            Locale.ROOT,
            "  %s  %-13s v%d  %s%n",
            Instant.ofEpochMilli(e.at()),
            e.event(),
            e.version(),
            e.detail());
      }
    }
    return 0;
  }
}
