package io.flywheel.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The four charts of a classifier's report, as PNG files: ROC, precision-recall, calibration
 * (reliability) and cumulative gain, each with its reference line (chance, base rate, perfect
 * calibration, random targeting).
 */
public final class EvaluationPlots {
  static final int WIDTH = 560;
  static final int HEIGHT = 420;
  static final int CALIBRATION_BINS = 10;

  private EvaluationPlots() {}

  /** Writes roc.png, precision_recall.png, calibration.png and gain.png; returns their paths. */
  public static List<Path> write(double[] scores, boolean[] labels, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    Curves c = Curves.of(scores, labels);
    List<Path> files = new ArrayList<>();
    files.add(
        save(
            chart(
                "ROC curve",
                "false positive rate",
                "true positive rate",
                series("model", c.fpr, c.tpr),
                series("chance", new double[] {0, 1}, new double[] {0, 1})),
            dir.resolve("roc.png")));
    double base = c.positives / (double) labels.length;
    files.add(
        save(
            chart(
                "Precision-recall",
                "recall",
                "precision",
                series("model", c.recall, c.precision),
                series("base rate", new double[] {0, 1}, new double[] {base, base})),
            dir.resolve("precision_recall.png")));
    double[][] calibration = calibration(scores, labels);
    double max = Math.max(1e-6, Arrays.stream(calibration[0]).max().orElse(1));
    double maxObserved = Arrays.stream(calibration[1]).max().orElse(1);
    double top = Math.max(max, maxObserved);
    files.add(
        save(
            chart(
                "Calibration",
                "mean predicted probability",
                "observed rate",
                series("model", calibration[0], calibration[1]),
                series("perfect", new double[] {0, top}, new double[] {0, top})),
            dir.resolve("calibration.png")));
    files.add(
        save(
            chart(
                "Cumulative gain",
                "share of rows targeted (best scores first)",
                "share of positives captured",
                series("model", c.targeted, c.tpr),
                series("random", new double[] {0, 1}, new double[] {0, 1})),
            dir.resolve("gain.png")));
    return files;
  }

  /** Mean prediction and observed rate per equal-frequency bin (empty bins dropped). */
  static double[][] calibration(double[] scores, boolean[] labels) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    int bins = Math.min(CALIBRATION_BINS, Math.max(1, scores.length));
    double[] predicted = new double[bins];
    double[] observed = new double[bins];
    for (int b = 0; b < bins; b++) {
      int from = (int) ((long) b * scores.length / bins);
      int to = (int) ((long) (b + 1) * scores.length / bins);
      double sum = 0;
      double hits = 0;
      for (int k = from; k < to; k++) {
        sum += scores[order[k]];
        hits += labels[order[k]] ? 1 : 0;
      }
      int n = Math.max(1, to - from);
      predicted[b] = sum / n;
      observed[b] = hits / n;
    }
    return new double[][] {predicted, observed};
  }

  /** ROC and PR points over distinct thresholds, best score first. */
  private record Curves(
      double[] fpr,
      double[] tpr,
      double[] precision,
      double[] recall,
      double[] targeted,
      long positives) {
    static Curves of(double[] scores, boolean[] labels) {
      Integer[] order = new Integer[scores.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingDouble(i -> -scores[i]));
      long positives = 0;
      for (boolean l : labels) {
        positives += l ? 1 : 0;
      }
      long negatives = labels.length - positives;
      List<double[]> points = new ArrayList<>();
      points.add(new double[] {0, 0, 1, 0, 0});
      long tp = 0;
      long fp = 0;
      for (int k = 0; k < order.length; k++) {
        if (labels[order[k]]) {
          tp++;
        } else {
          fp++;
        }
        boolean lastOfThreshold = k == order.length - 1 || scores[order[k + 1]] != scores[order[k]];
        if (lastOfThreshold) {
          points.add(
              new double[] {
                negatives == 0 ? 0 : (double) fp / negatives,
                positives == 0 ? 0 : (double) tp / positives,
                (double) tp / (tp + fp),
                positives == 0 ? 0 : (double) tp / positives,
                (double) (k + 1) / order.length
              });
        }
      }
      int n = points.size();
      double[][] cols = new double[5][n];
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < 5; c++) {
          cols[c][i] = points.get(i)[c];
        }
      }
      return new Curves(cols[0], cols[1], cols[2], cols[3], cols[4], positives);
    }
  }

  private static XYSeries series(String name, double[] x, double[] y) {
    XYSeries s = new XYSeries(name, false, true);
    for (int i = 0; i < x.length; i++) {
      s.add(x[i], y[i]);
    }
    return s;
  }

  private static JFreeChart chart(
      String title, String xLabel, String yLabel, XYSeries model, XYSeries reference) {
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(model);
    data.addSeries(reference);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, new Color(0x1f77b4));
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    renderer.setSeriesPaint(1, Color.GRAY);
    renderer.setSeriesStroke(
        1,
        new BasicStroke(
            1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    plot.setRenderer(renderer);
    return chart;
  }

  private static Path save(JFreeChart chart, Path file) throws IOException {
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    return file;
  }
}
