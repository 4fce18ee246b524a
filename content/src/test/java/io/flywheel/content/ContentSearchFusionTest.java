package io.flywheel.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Weighted reciprocal rank fusion, without a node: the keyword list leads, kNN breaks ties. */
class ContentSearchFusionTest {
  private static ContentHit hit(String id, String category) {
    return new ContentHit(
        id, "copy", "ad_copy", "en-US", id, id, List.of("p-" + id), category, "B", 0, 0, 0);
  }

  @Test
  void theKeywordListLeadsAndNeighboursBreakTies() {
    List<ContentHit> keyword = List.of(hit("a", "Toys"), hit("b", "Toys"), hit("c", "Toys"));
    List<ContentHit> nearest = List.of(hit("x", "Toys"), hit("b", "Toys"));
    List<ContentHit> weighted =
        ContentSearch.fuse(keyword, nearest, ContentSearch.KNN_WEIGHT, Map.of(), 4);
    // In both lists wins; a neighbour-only hit comes after every keyword match.
    assertThat(weighted).extracting(ContentHit::id).containsExactly("b", "a", "c", "x");
    assertThat(weighted.get(0).bm25Rank()).isEqualTo(2);
    assertThat(weighted.get(0).knnRank()).isEqualTo(2);
    // With equal weights the neighbours' first would outrank the keywords' third.
    assertThat(ContentSearch.fuse(keyword, nearest, 1.0, Map.of(), 4))
        .extracting(ContentHit::id)
        .containsExactly("b", "a", "x", "c");
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
