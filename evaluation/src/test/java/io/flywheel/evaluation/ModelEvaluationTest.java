package io.flywheel.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelEvaluationTest {
  @TempDir Path dir;

  /** Labels drawn from known probabilities; the model sees them with noise. */
  private static final int N = 4000;

  private final double[] truth = new double[N];
  private final double[] model = new double[N];
  private final boolean[] labels = new boolean[N];

  {
    Random random = new Random(3);
    for (int i = 0; i < N; i++) {
      truth[i] = random.nextDouble() * 0.4;
      model[i] = Math.min(1, Math.max(0, truth[i] + random.nextGaussian() * 0.1));
      labels[i] = random.nextDouble() < truth[i];
    }
  }

  @Test
  void classificationFiguresIncludeTheOracleRatioAndTheChampionComparison() {
    double[] champion = truth.clone();
    Map<String, Double> m = ModelEvaluation.classification(truth, labels, truth, champion);
    assertThat(m.get("oracle_ratio")).isEqualTo(1.0);
    assertThat(m.get("auc_vs_champion")).isZero();

    Map<String, Double> noisy = ModelEvaluation.classification(model, labels, truth, truth);
    assertThat(noisy.get("auc")).isLessThan(noisy.get("oracle_auc"));
    assertThat(noisy.get("oracle_ratio")).isBetween(0.8, 0.999);
    assertThat(noisy.get("auc_vs_champion")).isNegative();
    assertThat(noisy.get("auc_lower")).isLessThan(noisy.get("auc"));
    assertThat(noisy.get("auc_upper")).isGreaterThan(noisy.get("auc"));
    assertThat(noisy)
        .containsKeys("pr_auc", "log_loss", "brier", "ece", "best_f1", "best_f1_threshold");
  }

  @Test
  void rankingFiguresCompareWithTheTrueOrdering() {
    List<String> requests = new java.util.ArrayList<>();
    double[] gains = new double[N];
    for (int i = 0; i < N; i++) {
      requests.add("r" + i / 5);
      gains[i] = labels[i] ? 1 : 0;
    }
    Map<String, Double> perfect = ModelEvaluation.ranking(requests, gains, gains, truth);
    assertThat(perfect.get("ndcg_at_5")).isEqualTo(1.0);
    Map<String, Double> m = ModelEvaluation.ranking(requests, model, gains, truth);
    assertThat(m.get("lists")).isEqualTo(N / 5.0);
    assertThat(m.get("ndcg_at_5")).isBetween(0.3, 1.0);
    assertThat(m.get("oracle_ratio")).isEqualTo(m.get("ndcg_at_5") / m.get("oracle_ndcg_at_5"));
  }

  @Test
  void plotsAndTheHtmlReportAreWritten() throws Exception {
    List<Path> charts = EvaluationPlots.write(model, labels, dir.resolve("charts"));
    assertThat(charts)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("roc.png", "precision_recall.png", "calibration.png", "gain.png");
    for (Path chart : charts) {
      BufferedImage image = ImageIO.read(chart.toFile());
      assertThat(image.getWidth()).isEqualTo(EvaluationPlots.WIDTH);
    }
    Path html =
        EvaluationReport.writeHtml(
            dir,
            "ctr <v2>",
            Map.of("target", "click"),
            ModelEvaluation.classification(model, labels, null, null),
            charts);
    String page = Files.readString(html);
    assertThat(page)
        .contains("ctr &lt;v2&gt;")
        .contains("src=\"charts/roc.png\"")
        .contains("<td>auc</td>");
  }

  @Test
  void calibrationBinsFollowThePredictions() {
    double[][] bins = EvaluationPlots.calibration(truth, labels);
    assertThat(bins[0]).isSorted();
    for (int b = 0; b < bins[0].length; b++) {
      assertThat(bins[1][b]).isCloseTo(bins[0][b], org.assertj.core.data.Offset.offset(0.06));
    }
  }
}
