package io.flywheel.deploy;

import io.flywheel.deploy.triton.GrpcServiceProto.InferBatchStatistics;
import io.flywheel.deploy.triton.GrpcServiceProto.InferStatistics;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelStatistics;
import io.flywheel.deploy.triton.GrpcServiceProto.StatisticDuration;
import java.util.Map;
import java.util.TreeMap;

/** Triton's per-version counters: requests, rows, batches, and time in queue and compute. */
final class InferenceStatistics {
  private long successCount;
  private long successNs;
  private long failCount;
  private long failNs;
  private long queueNs;
  private long computeNs;
  private long inferenceCount;
  private long executionCount;
  private long lastInferenceMillis;
  private final Map<Long, long[]> batches = new TreeMap<>(); // size -> {count, ns}

  synchronized void success(long totalNs, long queueNanos) {
    successCount++;
    successNs += totalNs;
    queueNs += queueNanos;
    lastInferenceMillis = System.currentTimeMillis();
  }

  synchronized void failure(long totalNs) {
    failCount++;
    failNs += totalNs;
  }

  synchronized void batch(int rows, long computeNanos) {
    executionCount++;
    inferenceCount += rows;
    computeNs += computeNanos;
    long[] b = batches.computeIfAbsent((long) rows, k -> new long[2]);
    b[0]++;
    b[1] += computeNanos;
  }

  synchronized long failures() {
    return failCount;
  }

  /** Time spent answering successful requests, in seconds. */
  synchronized double successSeconds() {
    return successNs / 1e9;
  }

  synchronized long successes() {
    return successCount;
  }

  synchronized ModelStatistics toProto(String name, String version) {
    ModelStatistics.Builder b =
        ModelStatistics.newBuilder()
            .setName(name)
            .setVersion(version)
            .setLastInference(lastInferenceMillis)
            .setInferenceCount(inferenceCount)
            .setExecutionCount(executionCount)
            .setInferenceStats(
                InferStatistics.newBuilder()
                    .setSuccess(duration(successCount, successNs))
                    .setFail(duration(failCount, failNs))
                    .setQueue(duration(successCount, queueNs))
                    .setComputeInfer(duration(executionCount, computeNs)));
    batches.forEach(
        (size, v) ->
            b.addBatchStats(
                InferBatchStatistics.newBuilder()
                    .setBatchSize(size)
                    .setComputeInfer(duration(v[0], v[1]))));
    return b.build();
  }

  private static StatisticDuration duration(long count, long ns) {
    return StatisticDuration.newBuilder().setCount(count).setNs(ns).build();
  }
}
