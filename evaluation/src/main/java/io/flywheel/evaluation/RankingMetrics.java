package io.flywheel.evaluation;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleBiFunction;

/**
 * Metrics of one ranked list (a request's slot order, a user's recommendations) against the items
 * that turned out relevant, with graded relevance (an item is relevant when its grade is above 0;
 * NDCG uses the grades as gains, 2^grade - 1).
 */
public final class RankingMetrics {
  private RankingMetrics() {}

  /** One ranked list and what was relevant for it. */
  public record RankedList(List<String> ranked, Map<String, Double> relevance) {
    public RankedList {
      ranked = List.copyOf(ranked);
      relevance = Map.copyOf(relevance);
    }

    long relevantCount() {
      return relevance.values().stream().filter(g -> g > 0).count();
    }
  }

  /**
   * Means over lists at cutoff {@code k}. Lists with nothing relevant are left out of every mean
   * (no ranking can be judged on them) and counted in {@code skipped}.
   */
  public record RankingReport(
      int k,
      long lists,
      long skipped,
      double precision,
      double recall,
      double ndcg,
      double meanAveragePrecision,
      double meanReciprocalRank,
      double hitRate) {}

  public static RankingReport evaluate(Collection<RankedList> lists, int k) {
    requirePositive(k);
    double precision = 0;
    double recall = 0;
    double ndcg = 0;
    double map = 0;
    double mrr = 0;
    double hits = 0;
    long judged = 0;
    for (RankedList list : lists) {
      if (list.relevantCount() == 0) {
        continue;
      }
      judged++;
      precision += precisionAtK(list, k);
      recall += recallAtK(list, k);
      ndcg += ndcgAtK(list, k);
      map += averagePrecision(list);
      mrr += reciprocalRank(list);
      hits += hitAtK(list, k) ? 1 : 0;
    }
    long n = Math.max(judged, 1);
    double none = judged == 0 ? Double.NaN : 1;
    return new RankingReport(
        k,
        lists.size(),
        lists.size() - judged,
        none * precision / n,
        none * recall / n,
        none * ndcg / n,
        none * map / n,
        none * mrr / n,
        none * hits / n);
  }

  public static double precisionAtK(RankedList list, int k) {
    requirePositive(k);
    return (double) relevantInTop(list, k) / k;
  }

  /** NaN when nothing is relevant. */
  public static double recallAtK(RankedList list, int k) {
    requirePositive(k);
    long relevant = list.relevantCount();
    return relevant == 0 ? Double.NaN : (double) relevantInTop(list, k) / relevant;
  }

  public static boolean hitAtK(RankedList list, int k) {
    return relevantInTop(list, k) > 0;
  }

  /** DCG of the top k over the DCG of the ideal order; NaN when nothing is relevant. */
  public static double ndcgAtK(RankedList list, int k) {
    requirePositive(k);
    double dcg = 0;
    for (int i = 0; i < Math.min(k, list.ranked().size()); i++) {
      dcg += gain(list.relevance().getOrDefault(list.ranked().get(i), 0.0), i);
    }
    double[] ideal =
        list.relevance().values().stream()
            .mapToDouble(Double::doubleValue)
            .filter(g -> g > 0)
            .sorted()
            .toArray();
    double idcg = 0;
    for (int i = 0; i < Math.min(k, ideal.length); i++) {
      idcg += gain(ideal[ideal.length - 1 - i], i);
    }
    return idcg == 0 ? Double.NaN : dcg / idcg;
  }

  /** Mean of the precision at each relevant item's rank, over all relevant items. */
  public static double averagePrecision(RankedList list) {
    long relevant = list.relevantCount();
    if (relevant == 0) {
      return Double.NaN;
    }
    double sum = 0;
    long found = 0;
    for (int i = 0; i < list.ranked().size(); i++) {
      if (isRelevant(list, list.ranked().get(i))) {
        found++;
        sum += (double) found / (i + 1);
      }
    }
    return sum / relevant;
  }

  /** 1 / rank of the first relevant item; 0 when none is ranked. */
  public static double reciprocalRank(RankedList list) {
    for (int i = 0; i < list.ranked().size(); i++) {
      if (isRelevant(list, list.ranked().get(i))) {
        return 1.0 / (i + 1);
      }
    }
    return 0;
  }

  /** Share of the catalogue that appears in some list's top k. */
  public static double catalogCoverage(Collection<RankedList> lists, int k, long catalogSize) {
    requirePositive(k);
    if (catalogSize < 1) {
      throw new IllegalArgumentException("catalogSize: must be at least 1, got " + catalogSize);
    }
    Set<String> shown = new HashSet<>();
    for (RankedList list : lists) {
      shown.addAll(list.ranked().subList(0, Math.min(k, list.ranked().size())));
    }
    return (double) shown.size() / catalogSize;
  }

  /** Mean pairwise distance among one list's top k items (NaN with fewer than two). */
  public static double intraListDiversity(
      RankedList list, int k, ToDoubleBiFunction<String, String> distance) {
    requirePositive(k);
    List<String> top = list.ranked().subList(0, Math.min(k, list.ranked().size()));
    if (top.size() < 2) {
      return Double.NaN;
    }
    double sum = 0;
    long pairs = 0;
    for (int i = 0; i < top.size(); i++) {
      for (int j = i + 1; j < top.size(); j++) {
        sum += distance.applyAsDouble(top.get(i), top.get(j));
        pairs++;
      }
    }
    return sum / pairs;
  }

  private static long relevantInTop(RankedList list, int k) {
    return list.ranked().stream().limit(k).filter(item -> isRelevant(list, item)).count();
  }

  private static boolean isRelevant(RankedList list, String item) {
    return list.relevance().getOrDefault(item, 0.0) > 0;
  }

  private static double gain(double grade, int position) {
    return (Math.pow(2, grade) - 1) / (Math.log(position + 2) / Math.log(2));
  }

  private static void requirePositive(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k: must be at least 1, got " + k);
    }
  }
}
