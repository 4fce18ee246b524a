package io.flywheel.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DiversityRerankTest {

  private static List<DiversityRerank.Entry> entries() {
    List<DiversityRerank.Entry> out = new ArrayList<>();
    // Six shoes of one brand score highest, then bags and hats of other brands.
    for (int i = 0; i < 6; i++) {
      out.add(new DiversityRerank.Entry("shoe" + i, "shoes", "acme", 0.9 - i * 0.01, null));
    }
    for (int i = 0; i < 4; i++) {
      out.add(new DiversityRerank.Entry("bag" + i, "bags", "b" + i, 0.5 - i * 0.01, null));
      out.add(new DiversityRerank.Entry("hat" + i, "hats", "h" + i, 0.4 - i * 0.01, null));
    }
    return out;
  }

  @Test
  void capsBrandsAndCategoriesAndStillFillsTheSlate() {
    DiversityRerank rerank = new DiversityRerank(1.0, 2, 3, 0);
    List<DiversityRerank.Placed> slate = rerank.slate(entries(), 6, new SplittableRandom(1));
    List<String> ids = slate.stream().map(p -> p.entry().productId()).toList();
    assertThat(ids).hasSize(6).startsWith("shoe0", "shoe1");
    assertThat(ids.stream().filter(id -> id.startsWith("shoe"))).hasSize(2);
    assertThat(slate).allSatisfy(p -> assertThat(p.propensity()).isEqualTo(1.0));
    // With more places than the caps allow, the rest is filled without them.
    assertThat(rerank.slate(entries().subList(0, 6), 5, new SplittableRandom(1))).hasSize(5);
  }

  @Test
  void mmrPrefersADifferentCategoryOverANearTwin() {
    DiversityRerank rerank = new DiversityRerank(0.5, 10, 10, 0);
    List<DiversityRerank.Placed> slate = rerank.slate(entries(), 3, new SplittableRandom(1));
    assertThat(slate.get(0).entry().productId()).isEqualTo("shoe0");
    assertThat(slate.get(1).entry().category()).isNotEqualTo("shoes");
  }

  @Test
  void propensitiesAreTheFrequenciesTheProcedureRealises() {
    DiversityRerank rerank = new DiversityRerank(1.0, 10, 10, 0.2);
    int runs = 40_000;
    Map<String, Integer> firstCounts = new HashMap<>();
    Map<String, Double> firstPropensity = new HashMap<>();
    SplittableRandom random = new SplittableRandom(7);
    for (int r = 0; r < runs; r++) {
      DiversityRerank.Placed first = rerank.slate(entries(), 3, random).get(0);
      firstCounts.merge(first.entry().productId(), 1, Integer::sum);
      firstPropensity.put(first.entry().productId(), first.propensity());
    }
    // The best item: 1 - ε + ε/m; any other: ε/m (m = 14 eligible items).
    assertThat(firstPropensity.get("shoe0")).isCloseTo(0.8 + 0.2 / 14, within(1e-12));
    assertThat(firstPropensity.get("hat3")).isCloseTo(0.2 / 14, within(1e-12));
    for (Map.Entry<String, Integer> e : firstCounts.entrySet()) {
      assertThat(e.getValue() / (double) runs)
          .as(e.getKey())
          .isCloseTo(firstPropensity.get(e.getKey()), within(0.01));
    }
  }
}
