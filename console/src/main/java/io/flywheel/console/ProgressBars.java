package io.flywheel.console;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** One look for every progress display: a redrawn bar on a terminal, a line every 5 s elsewhere. */
final class ProgressBars {
  private ProgressBars() {}

  /** Shows how many events so far and their rate since {@code startedNanos}. */
  static void showRate(ProgressBar bar, long events, long startedNanos) {
    double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
    bar.setExtraMessage(
        String.format(Locale.ROOT, "%,d events, %,.0f ev/s", events, events / seconds));
  }

  static ProgressBar create(String task, String unit, long unitSize, long max, PrintWriter err) {
    boolean terminal = System.console() != null;
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setUnit(unit, unitSize)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(terminal ? 250 : 5_000)
        .setInitialMax(Math.max(1, max))
        .setConsumer(
            terminal
                ? new ConsoleProgressBarConsumer(System.err)
                : new DelegatingProgressBarConsumer(
                    line -> {
                      err.println(line.strip());
                      err.flush();
                    }))
        .build();
  }
}
