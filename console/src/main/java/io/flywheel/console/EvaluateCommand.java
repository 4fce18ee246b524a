package io.flywheel.console;

import io.flywheel.evaluation.ModelEvaluation;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.training.ModelRegistration;
import io.flywheel.training.ModelTrainer;
import io.flywheel.training.OracleScores;
import io.flywheel.training.PredictionTarget;
import io.flywheel.training.ScoringModel;
import io.flywheel.training.TrainingTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel evaluate}: judge a registered version on today's held-out examples. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Score a registered model version on the latest examples of the feature "
            + "store and print its figures.")
final class EvaluateCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "NAME[:VERSION|@ALIAS]",
      description = "e.g. flywheel-ctr (its champion), flywheel-ctr:2, flywheel-ctr@challenger.")
  private String model;

  @Option(
      names = "--truth",
      paramLabel = "FILE",
      description = "The simulator's truth.jsonl, for the oracle figures.")
  private Path truth;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    if (truth != null) {
      InputFiles.require(spec.commandLine(), "--truth", truth);
    }
    try (ModelRegistry registry = root.registry(root.home())) {
      ModelVersionInfo version = ModelRefs.resolve(registry, model, spec.commandLine(), "--model");
      ScoringModel scoring = ModelRegistration.load(registry, version);
      PredictionTarget target = scoring.target();
      TrainingTable examples =
          TrainingTable.fromStore(
              root.home(), LocalDate.MIN, LocalDate.MAX, ShopCatalog.ofHome(root.home()));
      TrainingTable rows =
          ModelTrainer.heldOut(examples, target, ModelTrainer.Options.defaults().validationShare());
      if (rows.size() == 0) {
        throw new ParameterException(
            spec.commandLine(),
            "--model: the feature store has no " + "examples to judge " + version.ref() + " on");
      }
      double[] scores = scoring.predict(rows);
      List<String> ids = new java.util.ArrayList<>();
      List<String> requests = new java.util.ArrayList<>();
      double[] gains = new double[rows.size()];
      boolean[] positives = new boolean[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        ids.add(rows.eventId(i));
        requests.add(rows.requestKey(i));
        gains[i] = target.label(rows.clicked(i), rows.purchased(i));
        positives[i] = target.positive(rows.clicked(i), rows.purchased(i));
      }
      double[] oracle = truth == null ? null : OracleScores.of(truth, ids, target);
      Map<String, Double> metrics =
          target.ranking()
              ? ModelEvaluation.ranking(requests, scores, gains, oracle)
              : ModelEvaluation.classification(scores, positives, oracle, null);
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", version.model());
        body.put("version", version.version());
        body.put("aliases", version.aliases());
        Map<String, Object> m = new LinkedHashMap<>();
        metrics.forEach((k, v) -> m.put(k, Double.isFinite(v) ? v : null));
        body.put("metrics", m);
        out.println(TrainCommand.JSON.writeValueAsString(body));
      } else {
        out.printf(
            Locale.ROOT,
            "%s (%s) on the latest %,d examples:%n",
            version.ref(),
            target.meaning(),
            rows.size());
        metrics.forEach((k, v) -> out.printf(Locale.ROOT, "  %-24s %.4f%n", k, v));
      }
    }
    return 0;
  }
}
