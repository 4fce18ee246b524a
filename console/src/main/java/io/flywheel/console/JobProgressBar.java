package io.flywheel.console;

import io.flywheel.flink.JobProgress;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

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
      boolean terminal = System.console() != null;
      bar = new ProgressBarBuilder().setTaskName(jobName).setUnit(" MB", 1 << 20)
          .setStyle(ProgressBarStyle.ASCII).setInitialMax(Math.max(1, totalBytes))
          .setUpdateIntervalMillis(terminal ? 250 : 5_000)
          .setConsumer(terminal ? new ConsoleProgressBarConsumer(System.err)
              : new DelegatingProgressBarConsumer(line -> {
                err.println(line.strip());
                err.flush();
              }))
          .build();
    }
    bar.stepTo(Math.min(bytesRead, totalBytes));
    double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
    bar.setExtraMessage(String.format(Locale.ROOT, "%,d events, %,.0f ev/s", events,
        events / seconds));
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
