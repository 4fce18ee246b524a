package io.flywheel.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flywheel.evaluation.Verdict;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.training.ModelRegistration;
import io.flywheel.training.ModelTrainer;
import io.flywheel.training.PredictionTarget;
import io.flywheel.training.RecommenderTraining;
import io.flywheel.training.TrainingRun;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel train}: train, judge, track and register one model. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train a model on the feature store's training set, judge it against the "
            + "champion (and the simulator's truth), track it in MLflow and register it.")
final class TrainCommand implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "NAME",
      description = "ctr, cvr, cvr-post-click, rank, or recs (the recommenders).")
  private String model;

  @Option(
      names = "--engine",
      defaultValue = "auto",
      paramLabel = "ENGINE",
      description =
          "local (single-process XGBoost, early stopping), flink (XGBoost on Flink: "
              + "the MiniCluster, or $FLINK_REST_URL; exactly --max-rounds) or auto (flink once the "
              + "training set passes 400M cells; default).")
  private OptionTypes.Engine engine;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      paramLabel = "N",
      description = "XGBoost workers on the flink engine (default: ${DEFAULT-VALUE}).")
  private int parallelism;

  @Option(
      names = "--truth",
      paramLabel = "FILE",
      description = "The simulator's truth.jsonl, for the oracle figures (simulated worlds).")
  private Path truth;

  @Option(
      names = "--max-rounds",
      defaultValue = "500",
      paramLabel = "N",
      description = "Boosting rounds at most (default: ${DEFAULT-VALUE}; early stopping).")
  private int maxRounds;

  @Option(
      names = "--negative-sampling",
      defaultValue = "1.0",
      paramLabel = "SHARE",
      description = "Keep this share of negative rows (default: ${DEFAULT-VALUE}).")
  private double negativeSampling;

  @Mixin private OutputOptions output;

  @Mixin private EventsFileOption events;

  @Override
  public Integer call() throws Exception {
    if ("recs".equals(model)) {
      return recommenders();
    }
    PredictionTarget target;
    try {
      target = PredictionTarget.of(model);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--model: one of ctr, cvr, "
              + "cvr-post-click, rank or recs (the recommenders); got '"
              + model
              + "'");
    }
    if (parallelism < 1) {
      throw new ParameterException(
          spec.commandLine(), "--parallelism: at least 1, got " + parallelism);
    }
    if (truth != null) {
      InputFiles.require(spec.commandLine(), "--truth", truth);
    }
    ModelTrainer.Options options;
    try {
      options =
          ModelTrainer.Options.defaults()
              .withMaxRounds(maxRounds)
              .withNegativeSampling(negativeSampling);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ModelRegistry registry = root.registry(root.home())) {
      if (output.showProgress() && !output.json()) {
        spec.commandLine()
            .getErr()
            .println(
                "training "
                    + ModelRegistration.registeredName(target)
                    + " ("
                    + target.meaning()
                    + "), tracking at "
                    + registry.trackingUri());
      }
      TrainingRun.Outcome outcome =
          TrainingRun.trainAndRegister(
              root.home(),
              registry,
              target,
              options,
              new TrainingRun.EngineChoice(
                  engine.name(), parallelism, root.config().flinkRestUrl()),
              truth,
              Map.of());
      if (output.json()) {
        out.println(JSON.writeValueAsString(json(outcome, registry)));
      } else {
        print(outcome, out);
      }
    }
    return 0;
  }

  private int recommenders() throws Exception {
    Path eventsFile = events.resolve(root.home(), spec.commandLine());
    if (truth != null) {
      InputFiles.require(spec.commandLine(), "--truth", truth);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ModelRegistry registry = root.registry(root.home())) {
      RecommenderTraining.Outcome o =
          RecommenderTraining.run(root.home(), registry, eventsFile, truth);
      if (output.json()) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", o.version().model());
        body.put("version", o.version().version());
        body.put("alias", o.alias());
        body.put("best", o.best());
        body.put("shoppersJudged", o.result().shoppers());
        body.put("coldShoppers", o.result().coldShoppers());
        body.put("runIds", o.runIds());
        Map<String, Object> figures = new LinkedHashMap<>();
        o.result()
            .figures()
            .forEach(
                (name, f) -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  f.forEach((k, v) -> m.put(k, Double.isFinite(v) ? v : null));
                  figures.put(name, m);
                });
        body.put("figures", figures);
        out.println(JSON.writeValueAsString(body));
      } else {
        print(o, out);
      }
    }
    return 0;
  }

  static void print(RecommenderTraining.Outcome o, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "  %,d shoppers judged on what they did after the cut-off (%,d "
            + "never seen before it)%n",
        o.result().shoppers(),
        o.result().coldShoppers());
    o.result()
        .figures()
        .forEach(
            (name, f) ->
                out.printf(
                    Locale.ROOT,
                    "  %-20s NDCG@10 %.3f  "
                        + "recall@10 %.3f  hit rate %.3f  coverage %.2f  diversity %.2f%s%n",
                    name,
                    f.get("ndcg"),
                    f.get("recall"),
                    f.get("hit_rate"),
                    f.get("catalog_coverage"),
                    f.get("intra_list_diversity"),
                    f.containsKey("oracle_ratio")
                        ? String.format(Locale.ROOT, "  oracle ratio %.2f", f.get("oracle_ratio"))
                        : ""));
    out.printf(
        Locale.ROOT,
        "  best: %s, registered as %s version %d (%s)%n",
        o.best(),
        o.version().model(),
        o.version().version(),
        o.alias());
  }

  static Map<String, Object> json(TrainingRun.Outcome o, ModelRegistry registry) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", o.version().model());
    body.put("version", o.version().version());
    body.put("alias", o.alias());
    body.put("runId", o.runId());
    body.put("engine", o.engine());
    body.put("trackingUri", registry.isEmbedded() ? "embedded" : registry.trackingUri());
    body.put("source", o.version().source());
    Map<String, Object> metrics = new LinkedHashMap<>();
    o.metrics().forEach((k, v) -> metrics.put(k, Double.isFinite(v) ? v : null));
    body.put("metrics", metrics);
    return body;
  }

  static void print(TrainingRun.Outcome o, PrintWriter out) {
    Map<String, Double> m = o.metrics();
    out.printf(
        Locale.ROOT,
        "  %s version %d (%s), run %s%n",
        o.version().model(),
        o.version().version(),
        o.alias(),
        o.runId());
    if (o.target().ranking()) {
      out.printf(
          Locale.ROOT,
          "  NDCG@5 %.3f, MAP %.3f, MRR %.3f over %,.0f requests%s%n",
          m.get("ndcg_at_5"),
          m.get("map"),
          m.get("mrr"),
          m.get("lists"),
          m.containsKey("oracle_ndcg_at_5")
              ? String.format(
                  Locale.ROOT,
                  "; oracle NDCG@5 %.3f, ratio %.3f",
                  m.get("oracle_ndcg_at_5"),
                  m.get("oracle_ratio"))
              : "");
    } else {
      out.printf(
          Locale.ROOT,
          "  on the latest %,.0f rows: ROC AUC %.3f (95%% CI %.3f-%.3f), "
              + "PR AUC %.3f, log loss %.4f, calibration error %.4f%n",
          m.get("rows"),
          m.get("auc"),
          m.get("auc_lower"),
          m.get("auc_upper"),
          m.get("pr_auc"),
          m.get("log_loss"),
          m.get("ece"));
      if (m.containsKey("oracle_auc")) {
        out.printf(
            Locale.ROOT,
            "  oracle AUC %.3f on the same rows: the model reaches %.1f%% " + "of it%n",
            m.get("oracle_auc"),
            100 * m.get("oracle_ratio"));
      }
      if (m.containsKey("auc_vs_champion")) {
        out.printf(
            Locale.ROOT,
            "  vs the champion on the same rows: AUC %+.3f (95%% CI %.3f to " + "%.3f): %s%n",
            m.get("auc_vs_champion"),
            m.get("auc_vs_champion_lower"),
            m.get("auc_vs_champion_upper"),
            Verdict.of(m.get("auc_vs_champion_lower"), m.get("auc_vs_champion_upper")).text());
      }
    }
    out.println("  report: " + o.report().toAbsolutePath());
  }
}
