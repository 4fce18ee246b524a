package io.flywheel.flink;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/** The feature and co-visitation jobs running on an unbounded source, until cancelled. */
public final class StreamingFeatureJobs implements AutoCloseable {
  private final JobClient features;
  private final JobClient covisit;

  StreamingFeatureJobs(JobClient features, JobClient covisit) {
    this.features = features;
    this.covisit = covisit;
  }

  /** Events the feature job has read so far (lines or records, including bad ones). */
  public long eventsRead() {
    return counter(features, JobCounters.LINES_READ);
  }

  /** Events the feature job accepted (parsed, on time, first delivery). */
  public long accepted() {
    return counter(features, JobCounters.ACCEPTED);
  }

  /** Training examples written so far. */
  public long trainingExamples() {
    return counter(features, JobCounters.EXAMPLES);
  }

  /** Whether both jobs are still running (false once either failed or was cancelled). */
  public boolean running() {
    return status(features) == JobStatus.RUNNING && status(covisit) == JobStatus.RUNNING;
  }

  /** Waits until both jobs have all their tasks running, or throws after {@code timeout}. */
  public void awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!running()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "feature jobs not running after "
                + timeout
                + ": features "
                + status(features)
                + ", co-visitation "
                + status(covisit));
      }
      Thread.sleep(100);
    }
  }

  /** Cancels both jobs and waits for them to stop. */
  @Override
  public void close() throws ExecutionException, TimeoutException {
    for (JobClient job : new JobClient[] {features, covisit}) {
      if (!status(job).isGloballyTerminalState()) {
        try {
          job.cancel().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static JobStatus status(JobClient job) {
    try {
      return job.getJobStatus().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // A local job whose MiniCluster has shut down is over.
      return JobStatus.CANCELED;
    }
  }

  private static long counter(JobClient job, String name) {
    try {
      Map<String, Object> counters = job.getAccumulators().get(10, TimeUnit.SECONDS);
      return counters.get(name) instanceof Number n ? n.longValue() : 0;
    } catch (Exception e) {
      return 0;
    }
  }
}
