package io.flywheel.console;

import io.flywheel.benchmarks.LatentCeiling;
import io.flywheel.training.ModelTrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel bench-quality}: how far a CTR model can get towards the oracle on a simulated
 * world, with the store's features and with the simulator's hidden truth added.
 */
@Command(
    name = "bench-quality",
    mixinStandardHelpOptions = true,
    description =
        "CTR quality ceiling on a simulated world: held-out AUC of XGBoost with the "
            + "store's features, of the same model also given the simulator's latent truth, and of "
            + "the oracle; nothing is tracked or registered.")
final class BenchQualityCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--truth",
      required = true,
      paramLabel = "FILE",
      description = "The simulator's truth.jsonl for the events in the store.")
  private Path truth;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    InputFiles.require(spec.commandLine(), "--truth", truth);
    LatentCeiling.Result r =
        LatentCeiling.measure(root.home(), truth, ModelTrainer.Options.defaults());
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("heldOutRows", r.heldOutRows());
      m.put("storeFeaturesAuc", r.storeFeaturesAuc());
      m.put("withLatentsAuc", r.withLatentsAuc());
      m.put("oracleAuc", r.oracleAuc());
      m.put("storeFeaturesRatio", r.storeFeaturesRatio());
      m.put("withLatentsRatio", r.withLatentsRatio());
      out.println(TrainCommand.JSON.writeValueAsString(m));
    } else {
      out.printf(
          Locale.ROOT,
          "held-out rows %,d: AUC with the store's features %.3f (%.3f of "
              + "the oracle), also given the simulator's latent truth %.3f (%.3f of the oracle), "
              + "oracle %.3f%n",
          r.heldOutRows(),
          r.storeFeaturesAuc(),
          r.storeFeaturesRatio(),
          r.withLatentsAuc(),
          r.withLatentsRatio(),
          r.oracleAuc());
    }
    return 0;
  }
}
