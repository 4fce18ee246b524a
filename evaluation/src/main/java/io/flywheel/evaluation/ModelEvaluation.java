package io.flywheel.evaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges one model's scores on held-out rows, optionally against the best possible scores (the
 * simulator's truth) and against a champion's scores on the same rows. The result is a flat map of
 * named figures, as the tracking server records them.
 */
public final class ModelEvaluation {
  static final int BOOTSTRAP_SAMPLES = 200;
  static final long BOOTSTRAP_SEED = 1;
  public static final int RANKING_CUTOFF = 5;

  private ModelEvaluation() {}

  /**
   * Classification figures: {@code auc} (with its 95% bootstrap interval), {@code pr_auc}, {@code
   * log_loss}, {@code brier}, {@code ece}, precision/recall/F1 at 0.5 and at the threshold that
   * maximises F1; with {@code oracle} scores (NaN where unknown, rows left out of the oracle
   * figures only), {@code oracle_auc} and {@code oracle_ratio}; with {@code champion} scores,
   * {@code auc_vs_champion} and its interval.
   *
   * @param oracle the true probabilities per row, or null
   * @param champion the champion's scores on the same rows, or null
   */
  public static Map<String, Double> classification(
      double[] scores, boolean[] labels, double[] oracle, double[] champion) {
    ClassificationReport report = ClassificationMetrics.evaluate(scores, labels);
    Bootstrap.Interval auc =
        Bootstrap.interval(
            scores, labels, ClassificationMetrics::rocAuc, BOOTSTRAP_SAMPLES, BOOTSTRAP_SEED, 0.95);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rows", (double) report.examples());
    m.put("positives", (double) report.positives());
    m.put("auc", report.rocAuc());
    m.put("auc_lower", auc.lower());
    m.put("auc_upper", auc.upper());
    m.put("pr_auc", report.prAuc());
    m.put("log_loss", report.logLoss());
    m.put("brier", report.brier());
    m.put("ece", report.expectedCalibrationError());
    m.put("precision_at_0_5", report.atHalf().precision());
    m.put("recall_at_0_5", report.atHalf().recall());
    m.put("f1_at_0_5", report.atHalf().f1());
    m.put("best_f1", report.bestF1().f1());
    m.put("best_f1_threshold", report.bestF1().threshold());
    m.put("precision_at_best_f1", report.bestF1().precision());
    m.put("recall_at_best_f1", report.bestF1().recall());
    if (oracle != null) {
      Known known = Known.of(oracle, scores, labels);
      if (known.size() > 0) {
        double oracleAuc = ClassificationMetrics.rocAuc(known.oracle, known.labels);
        double modelAuc = ClassificationMetrics.rocAuc(known.scores, known.labels);
        m.put("oracle_auc", oracleAuc);
        m.put("oracle_ratio", modelAuc / oracleAuc);
        m.put("oracle_rows", (double) known.size());
      }
    }
    if (champion != null) {
      Bootstrap.Interval lift =
          Bootstrap.difference(
              scores,
              champion,
              labels,
              ClassificationMetrics::rocAuc,
              BOOTSTRAP_SAMPLES,
              BOOTSTRAP_SEED,
              0.95);
      m.put("champion_auc", report.rocAuc() - lift.estimate());
      m.put("auc_vs_champion", lift.estimate());
      m.put("auc_vs_champion_lower", lift.lower());
      m.put("auc_vs_champion_upper", lift.upper());
    }
    return m;
  }

  /**
   * Ranking figures per request at cutoff {@value #RANKING_CUTOFF}: {@code ndcg_at_5}, {@code
   * precision_at_5}, {@code recall_at_5}, {@code map}, {@code mrr}, {@code hit_rate_at_5}, and with
   * {@code oracle} scores {@code oracle_ndcg_at_5} and {@code oracle_ratio}.
   *
   * @param requests the request (list) each row belongs to
   * @param gains each row's graded relevance (0 = not relevant)
   */
  public static Map<String, Double> ranking(
      List<String> requests, double[] scores, double[] gains, double[] oracle) {
    Map<String, Double> m = new LinkedHashMap<>();
    RankingMetrics.RankingReport report =
        RankingMetrics.evaluate(lists(requests, scores, gains), RANKING_CUTOFF);
    m.put("lists", (double) report.lists());
    m.put("lists_without_response", (double) report.skipped());
    m.put("ndcg_at_5", report.ndcg());
    m.put("precision_at_5", report.precision());
    m.put("recall_at_5", report.recall());
    m.put("map", report.meanAveragePrecision());
    m.put("mrr", report.meanReciprocalRank());
    m.put("hit_rate_at_5", report.hitRate());
    if (oracle != null) {
      RankingMetrics.RankingReport best =
          RankingMetrics.evaluate(lists(requests, oracle, gains), RANKING_CUTOFF);
      m.put("oracle_ndcg_at_5", best.ndcg());
      m.put("oracle_ratio", report.ndcg() / best.ndcg());
    }
    return m;
  }

  /** Rows grouped into one ranked list per request, best score first. */
  static List<RankingMetrics.RankedList> lists(
      List<String> requests, double[] scores, double[] gains) {
    Map<String, List<Integer>> rows = new LinkedHashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      rows.computeIfAbsent(requests.get(i), r -> new ArrayList<>()).add(i);
    }
    List<RankingMetrics.RankedList> lists = new ArrayList<>();
    for (List<Integer> group : rows.values()) {
      List<Integer> ranked = new ArrayList<>(group);
      ranked.sort(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparing(i -> i));
      Map<String, Double> relevance = new LinkedHashMap<>();
      List<String> ids = new ArrayList<>();
      for (int i : ranked) {
        String id = Integer.toString(i);
        ids.add(id);
        relevance.put(id, gains[i]);
      }
      lists.add(new RankingMetrics.RankedList(ids, relevance));
    }
    return lists;
  }

  /** The rows whose oracle score is known. */
  private record Known(double[] oracle, double[] scores, boolean[] labels) {
    static Known of(double[] oracle, double[] scores, boolean[] labels) {
      int n = 0;
      for (double o : oracle) {
        n += Double.isNaN(o) ? 0 : 1;
      }
      double[] o2 = new double[n];
      double[] s2 = new double[n];
      boolean[] l2 = new boolean[n];
      int j = 0;
      for (int i = 0; i < oracle.length; i++) {
        if (!Double.isNaN(oracle[i])) {
          o2[j] = oracle[i];
          s2[j] = scores[i];
          l2[j] = labels[i];
          j++;
        }
      }
      return new Known(o2, s2, l2);
    }

    int size() {
      return labels.length;
    }
  }
}
