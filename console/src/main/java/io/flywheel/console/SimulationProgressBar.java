package io.flywheel.console;

import io.flywheel.core.SimulationProgress;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows simulated hours done with ETA, plus events written and their rate. On a terminal it is
 * a redrawn bar; otherwise (CI, logs) a line every few seconds.
 */
final class SimulationProgressBar implements SimulationProgress, AutoCloseable {
  private final boolean show;
  private final PrintWriter err;
  private final long startedNanos = System.nanoTime();
  private ProgressBar bar;

  private SimulationProgressBar(boolean show, PrintWriter err) {
    this.show = show;
    this.err = err;
  }

  static SimulationProgressBar open(boolean show, PrintWriter err) {
    return new SimulationProgressBar(show, err);
  }

  @Override
  public void update(long simulatedHours, long totalHours, long eventsWritten) {
    if (!show) {
      return;
    }
    if (bar == null) {
      bar = create(totalHours);
    }
    bar.stepTo(simulatedHours);
    double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
    bar.setExtraMessage(String.format(Locale.ROOT, "%,d events, %,.0f ev/s", eventsWritten,
        eventsWritten / seconds));
  }

  // Created on the first update, when the total is known, so no 0/? line is ever shown.
  private ProgressBar create(long totalHours) {
    boolean terminal = System.console() != null;
    return new ProgressBarBuilder()
        .setTaskName("simulate")
        .setUnit(" h", 1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(terminal ? 250 : 5_000)
        .setInitialMax(totalHours)
        .setConsumer(terminal
            ? new ConsoleProgressBarConsumer(System.err)
            : new DelegatingProgressBarConsumer(line -> {
              err.println(line.strip());
              err.flush();
            }))
        .build();
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
