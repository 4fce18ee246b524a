package io.flywheel.deploy;

import io.flywheel.deploy.triton.ModelConfigProto.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * One served version: its booster and a dynamic batcher. Requests queue up; each of the config's
 * instances takes the oldest, then gathers more until the batch reaches {@code max_batch_size} rows
 * (or a preferred size) or the queue delay has passed, predicts the whole batch at once and hands
 * each request its rows.
 */
final class LoadedModel implements AutoCloseable {
  /** One request's rows, waiting for its scores. */
  record Pending(float[] rows, int count, long enqueuedNanos, CompletableFuture<float[]> result) {}

  final String name;
  final int version;
  final ModelConfig config;
  final int features;
  final InferenceStatistics statistics = new InferenceStatistics();
  private final Booster booster;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final List<Thread> instances = new ArrayList<>();
  private volatile boolean closed;

  LoadedModel(String name, int version, ModelConfig config, Booster booster) {
    this.name = name;
    this.version = version;
    this.config = config;
    this.booster = booster;
    this.features = (int) config.getInput(0).getDims(0);
    int count =
        Math.max(
            1, config.getInstanceGroupCount() == 0 ? 1 : config.getInstanceGroup(0).getCount());
    for (int i = 0; i < count; i++) {
      Thread t = new Thread(this::serve, "infer-" + name + "-v" + version + "-" + i);
      t.setDaemon(true);
      t.start();
      instances.add(t);
    }
  }

  CompletableFuture<float[]> submit(float[] rows, int count) {
    CompletableFuture<float[]> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(
          new IllegalStateException("model " + name + " version " + version + " is unloading"));
      return result;
    }
    queue.add(new Pending(rows, count, System.nanoTime(), result));
    return result;
  }

  private void serve() {
    int maxBatch = Math.max(1, config.getMaxBatchSize());
    long delayNanos =
        TimeUnit.MICROSECONDS.toNanos(config.getDynamicBatching().getMaxQueueDelayMicroseconds());
    List<Integer> preferred = config.getDynamicBatching().getPreferredBatchSizeList();
    List<Pending> batch = new ArrayList<>();
    while (!closed) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.clear();
        batch.add(first);
        int rows = first.count();
        long deadline = System.nanoTime() + delayNanos;
        while (rows < maxBatch && !preferred.contains(rows)) {
          Pending next = queue.peek();
          if (next != null && rows + next.count() > maxBatch) {
            break;
          }
          long wait = deadline - System.nanoTime();
          next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          batch.add(next);
          rows += next.count();
        }
        run(batch, rows);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void run(List<Pending> batch, int rows) {
    long started = System.nanoTime();
    float[] data;
    if (batch.size() == 1) {
      data = batch.get(0).rows();
    } else {
      data = new float[rows * features];
      int offset = 0;
      for (Pending p : batch) {
        System.arraycopy(p.rows(), 0, data, offset, p.count() * features);
        offset += p.count() * features;
      }
    }
    try {
      float[][] out = booster.inplace_predict(data, rows, features, Float.NaN);
      long computed = System.nanoTime();
      statistics.batch(rows, computed - started);
      int row = 0;
      for (Pending p : batch) {
        float[] scores = new float[p.count()];
        for (int i = 0; i < p.count(); i++) {
          scores[i] = out[row++][0];
        }
        p.result().complete(scores);
        statistics.success(computed - p.enqueuedNanos(), started - p.enqueuedNanos());
      }
    } catch (Exception | Error e) {
      for (Pending p : batch) {
        p.result().completeExceptionally(e);
        statistics.failure(System.nanoTime() - p.enqueuedNanos());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : instances) {
      t.interrupt();
    }
    for (Thread t : instances) {
      try {
        t.join(5_000); // a batch in flight finishes before its booster is freed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Pending p;
    while ((p = queue.poll()) != null) {
      p.result()
          .completeExceptionally(
              new IllegalStateException("model " + name + " version " + version + " was unloaded"));
    }
    booster.dispose();
  }
}
