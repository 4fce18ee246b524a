package io.flywheel.content;

import java.util.List;

/**
 * One result: the document and how it ranked.
 *
 * @param bm25Rank 1-based rank in the keyword list (0: not in it); {@code knnRank} likewise
 * @param score the fused score (reciprocal rank fusion, times the shopper's affinity boost)
 */
public record ContentHit(
    String id,
    String type,
    String kind,
    String locale,
    String title,
    String body,
    List<String> productIds,
    String category,
    String brand,
    int bm25Rank,
    int knnRank,
    double score) {}
