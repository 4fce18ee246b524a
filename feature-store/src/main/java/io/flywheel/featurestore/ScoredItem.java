package io.flywheel.featurestore;

/** One entry of a ranked feature: an entity id and its score. */
public record ScoredItem(String id, double score) {}
