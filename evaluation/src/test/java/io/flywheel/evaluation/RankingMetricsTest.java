package io.flywheel.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flywheel.evaluation.RankingMetrics.RankedList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {
  // b and d relevant among the four ranked; e relevant but never ranked.
  private static final RankedList LIST =
      new RankedList(List.of("a", "b", "c", "d"), Map.of("b", 1.0, "d", 1.0, "e", 1.0));

  @Test
  void binaryRelevanceMatchesHandComputedValues() {
    assertThat(RankingMetrics.precisionAtK(LIST, 2)).isEqualTo(0.5);
    assertThat(RankingMetrics.recallAtK(LIST, 2)).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(RankingMetrics.hitAtK(LIST, 1)).isFalse();
    assertThat(RankingMetrics.hitAtK(LIST, 2)).isTrue();
    assertThat(RankingMetrics.reciprocalRank(LIST)).isEqualTo(0.5);
    assertThat(RankingMetrics.averagePrecision(LIST)).isCloseTo((0.5 + 0.5) / 3, within(1e-12));
    double dcg = 1 / log2(3) + 1 / log2(5);
    double idcg = 1 + 1 / log2(3) + 1 / log2(4);
    assertThat(RankingMetrics.ndcgAtK(LIST, 4)).isCloseTo(dcg / idcg, within(1e-12));
  }

  @Test
  void gradedRelevanceRewardsTheBetterItemFirst() {
    RankedList worse = new RankedList(List.of("a", "b"), Map.of("a", 1.0, "b", 3.0));
    RankedList better = new RankedList(List.of("b", "a"), Map.of("a", 1.0, "b", 3.0));
    assertThat(RankingMetrics.ndcgAtK(worse, 2))
        .isCloseTo((1 + 7 / log2(3)) / (7 + 1 / log2(3)), within(1e-12));
    assertThat(RankingMetrics.ndcgAtK(better, 2)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void reportAveragesJudgedListsAndCountsTheRest() {
    RankedList perfect = new RankedList(List.of("x", "y"), Map.of("x", 1.0));
    RankedList nothingRelevant = new RankedList(List.of("p", "q"), Map.of());
    RankingMetrics.RankingReport report =
        RankingMetrics.evaluate(List.of(LIST, perfect, nothingRelevant), 2);
    assertThat(report.lists()).isEqualTo(3);
    assertThat(report.skipped()).isEqualTo(1);
    assertThat(report.precision()).isCloseTo((0.5 + 0.5) / 2, within(1e-12));
    assertThat(report.meanReciprocalRank()).isCloseTo((0.5 + 1) / 2, within(1e-12));
    assertThat(report.hitRate()).isEqualTo(1.0);
    assertThat(RankingMetrics.evaluate(List.of(nothingRelevant), 2).ndcg()).isNaN();
  }

  @Test
  void coverageAndDiversity() {
    assertThat(
            RankingMetrics.catalogCoverage(
                List.of(LIST, new RankedList(List.of("a", "z"), Map.of())), 2, 10))
        .isEqualTo(0.3);
    // Distance 1 between items of different first letters' parity, 0 otherwise.
    assertThat(
            RankingMetrics.intraListDiversity(
                LIST, 3, (x, y) -> (x.charAt(0) % 2) == (y.charAt(0) % 2) ? 0 : 1))
        .isCloseTo(2.0 / 3, within(1e-12));
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
