package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The CLI as a whole: every command is there with its help, and the classpath it runs on. Each
 * command's behaviour is tested in its own class (SimulateCommandTest, FeaturesCommandTest,
 * TrainCommandTest, DeployCommandTest, PipelinesCommandTest, DemoCommandTest, ...).
 */
class FlywheelCliTest {

  @Test
  void everyCommandHasHelp() {
    CommandLine cli = new CommandLine(new FlywheelCli());
    List<String> names = new ArrayList<>(cli.getSubcommands().keySet());
    names.remove("help");
    assertThat(names)
        .contains(
            "simulate",
            "demo",
            "validate",
            "features",
            "train",
            "evaluate",
            "models",
            "deploy",
            "rollout",
            "serve-models",
            "infer",
            "bench-infer",
            "pipelines",
            "bench-quality");
    Cli.Result top = run("--help");
    assertThat(top.code()).isZero();
    assertThat(top.out()).contains("Usage: flywheel", "--home");
    for (String name : names) {
      Cli.Result result = run(name, "--help");
      assertThat(result.code()).as(name).isZero();
      assertThat(result.out()).as(name).contains("Usage: flywheel " + name, "--home");
    }
  }

  @Test
  void theClasspathHoldsOnlyFlinksKryoAndNoScala() {
    // XGBoost brings Kryo 5 and Scala; Kryo 5 shares Flink's Kryo package and corrupts the
    // records between operators (the demo hung on it), so the build must keep them out.
    List<String> jars =
        List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator));
    assertThat(jars).anyMatch(j -> j.contains("xgboost4j"));
    assertThat(jars)
        .filteredOn(j -> j.matches(".*/kryo-\\d.*"))
        .allMatch(j -> j.contains("kryo-2.24"), "only Flink's Kryo 2.24");
    assertThat(jars).noneMatch(j -> j.contains("scala-library"));
  }
}
