package io.flywheel.featurestore;

/** One declared feature of a view. */
public record FeatureSpec(String name, FeatureType type, String description) {}
