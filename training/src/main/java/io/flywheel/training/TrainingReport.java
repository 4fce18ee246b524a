package io.flywheel.training;

import io.flywheel.evaluation.EvaluationPlots;
import io.flywheel.evaluation.EvaluationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML report of a training run: its figures, charts and most useful features; beside it
 * {@value #IMPORTANCE}, every feature's share of the model's total gain, for readers (the web
 * console) that show what a model leans on.
 */
final class TrainingReport {
  /** The report's machine-readable feature contributions. */
  static final String IMPORTANCE = "importance.json";

  private TrainingReport() {}

  static Path write(
      ScoringModel model,
      Map<String, Double> metrics,
      PredictionTarget target,
      Path dir,
      String runId)
      throws Exception {
    ModelTrainer.Validation v = model.validation();
    List<Path> charts =
        target.ranking()
            ? List.of()
            : EvaluationPlots.write(v.predictions(), v.positives(), dir.resolve("charts"));
    String name = ModelRegistration.registeredName(target);
    Map<String, String> context = new LinkedHashMap<>();
    context.put("model", name);
    context.put("predicts", target.meaning());
    context.put("run", runId);
    context.put(
        "held-out rows", String.format(Locale.ROOT, "%,d (latest by time)", v.eventIds().size()));
    List<Map.Entry<String, Double>> importance = model.importance();
    List<String> top = new ArrayList<>();
    for (Map.Entry<String, Double> e : importance.stream().limit(8).toList()) {
      top.add(e.getKey());
    }
    double total = importance.stream().mapToDouble(Map.Entry::getValue).sum();
    Map<String, Double> shares = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : importance) {
      shares.put(e.getKey(), total > 0 ? e.getValue() / total : 0);
    }
    java.nio.file.Files.createDirectories(dir);
    new com.fasterxml.jackson.databind.ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve(IMPORTANCE).toFile(), shares);
    context.put("top features (gain)", String.join(", ", top));
    return EvaluationReport.writeHtml(dir, name + " evaluation", context, metrics, charts);
  }
}
