package io.flywheel.console;

import io.flywheel.flink.JobProgress;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;

/** Progress of a Flink job over its input file: MB read with ETA, events and their rate. */
final class JobProgressBar implements JobProgress, AutoCloseable {
  private final boolean show;
  private final PrintWriter err;
  private ProgressBar bar;
  private String job;
  private long startedNanos;

  JobProgressBar(boolean show, PrintWriter err) {
    this.show = show;
    this.err = err;
  }

  @Override
  public synchronized void update(String jobName, long bytesRead, long totalBytes, long events) {
    if (!show) {
      return;
    }
    if (!jobName.equals(job)) {
      close();
      job = jobName;
      startedNanos = System.nanoTime();
      bar = ProgressBars.create(jobName, " MB", 1 << 20, totalBytes, err);
    }
    bar.stepTo(Math.min(bytesRead, totalBytes));
    ProgressBars.showRate(bar, events, startedNanos);
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
