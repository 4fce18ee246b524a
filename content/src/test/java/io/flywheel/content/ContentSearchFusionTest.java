package io.flywheel.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Weighted reciprocal rank fusion, without a node. */
class ContentSearchFusionTest {
  private static ContentHit hit(String id, String category) {
    return new ContentHit(
        id, "copy", "ad_copy", "en-US", id, id, List.of("p-" + id), category, "B", 0, 0, 0);
  }

  @Test
  void bothListsCountEquallyWhereTheModelReadsTheLanguage() {
    List<ContentHit> keyword = List.of(hit("a", "Toys"), hit("b", "Toys"), hit("c", "Toys"));
    List<ContentHit> nearest = List.of(hit("x", "Toys"), hit("b", "Toys"));
    List<ContentHit> fused =
        ContentSearch.fuse(keyword, nearest, ContentSearch.KNN_WEIGHT, Map.of(), 4);
    // In both lists wins; the neighbours' first outranks the keywords' third.
    assertThat(fused).extracting(ContentHit::id).containsExactly("b", "a", "x", "c");
    assertThat(fused.get(0).bm25Rank()).isEqualTo(2);
    assertThat(fused.get(0).knnRank()).isEqualTo(2);
  }

  @Test
  void aWeakListOnlyFillsInAfterTheKeywordMatches() {
    List<ContentHit> keyword = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      keyword.add(hit("k" + i, "Toys"));
    }
    // The neighbours list keyword hits in reverse: at this weight it may not reorder them.
    List<ContentHit> nearest = new java.util.ArrayList<>();
    nearest.add(hit("x", "Toys"));
    for (int i = 9; i >= 0; i--) {
      nearest.add(hit("k" + i, "Toys"));
    }
    List<String> ids =
        ContentSearch.fuse(keyword, nearest, ContentSearch.KNN_WEIGHT_UNCOVERED, Map.of(), 11)
            .stream()
            .map(ContentHit::id)
            .toList();
    assertThat(ids)
        .containsExactly("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "x");
  }

  @Test
  void aShoppersAffinityMultipliesTheFusedScore() {
    List<ContentHit> keyword = List.of(hit("a", "Toys"), hit("b", "Books"));
    List<String> ids =
        ContentSearch.fuse(keyword, List.of(), ContentSearch.KNN_WEIGHT, Map.of("Books", 1.0), 2)
            .stream()
            .map(ContentHit::id)
            .toList();
    assertThat(ids).containsExactly("b", "a");
  }
}
