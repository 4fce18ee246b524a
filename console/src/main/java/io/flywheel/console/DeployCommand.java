package io.flywheel.console;

import io.flywheel.deploy.RolloutState;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.workflows.ModelDeployment;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel deploy MODEL[:VERSION]}: registry version → Triton repository → rollout. */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description =
        "Deploy a registered model version to Triton (or the embedded inference "
            + "server): the first version goes live, later ones start as a canary.")
final class DeployCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Parameters(
      paramLabel = "MODEL[:VERSION|@ALIAS]",
      description = "e.g. flywheel-ctr (its champion), flywheel-ctr:3, flywheel-ctr@challenger.")
  private String model;

  @Option(
      names = "--canary",
      defaultValue = "10",
      paramLabel = "PCT",
      description =
          "Share of traffic for a new version while on trial, 1-100 (default: "
              + "${DEFAULT-VALUE}; 100 replaces the live version at once).")
  private int canary;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    if (canary < 1 || canary > 100) {
      throw new ParameterException(
          spec.commandLine(), "--canary: a percentage from 1 to 100, " + "got " + canary);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ModelRegistry registry = root.registry(root.home());
        ModelDeployment deployment = ModelDeployment.open(root.home(), root.config())) {
      ModelVersionInfo version = ModelRefs.resolve(registry, model, spec.commandLine());
      RolloutState current = deployment.rollout().state(version.model());
      if (current.live() != null && current.live() == version.version()) {
        // Deploying what is already live is a no-op, not a failure: scripts may re-run.
        if (output.json()) {
          out.println(TrainCommand.JSON.writeValueAsString(current));
        } else {
          out.printf(
              Locale.ROOT,
              "%s version %d is already live on the %s; nothing to do%n",
              version.model(),
              version.version(),
              deployment.server());
        }
        return 0;
      }
      RolloutState state = deployment.deploy(registry, version, canary);
      if (output.json()) {
        out.println(TrainCommand.JSON.writeValueAsString(state));
      } else {
        out.printf(
            Locale.ROOT,
            "%s version %d deployed to the %s: live v%s%s%n",
            version.model(),
            version.version(),
            deployment.server(),
            state.live(),
            state.canary() == null
                ? ""
                : ", canary v" + state.canary() + " at " + state.canaryPercent() + "%");
      }
    }
    return 0;
  }
}
