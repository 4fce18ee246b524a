package io.flywheel.flink;

/**
 * What a bounded feature run did.
 *
 * @param accepted events that reached the feature stages (on time, first delivery)
 * @param openAttributionWindows impressions too close to the end of the stream to be labelled
 * @param examplesBehindWatermark impressions that arrived behind the watermark: kept in the
 *     features, left out of training (no exact point-in-time snapshot exists for them)
 */
public record FeatureJobResult(
    long accepted,
    long malformed,
    long duplicates,
    long late,
    long trainingExamples,
    long openAttributionWindows,
    long examplesBehindWatermark,
    long sessions,
    long elapsedMillis,
    int replacedPartitions) {

  /** The same result, saying how many earlier offline partitions the run replaced. */
  FeatureJobResult replacing(int partitions) {
    return new FeatureJobResult(
        accepted,
        malformed,
        duplicates,
        late,
        trainingExamples,
        openAttributionWindows,
        examplesBehindWatermark,
        sessions,
        elapsedMillis,
        partitions);
  }
}
