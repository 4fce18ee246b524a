package io.flywheel.console;

import io.flywheel.core.SimulationProgress;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;

/** Shows simulated hours done with ETA, plus events written and their rate. */
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
    ProgressBars.showRate(bar, eventsWritten, startedNanos);
  }

  // Created on the first update, when the total is known, so no 0/? line is ever shown.
  private ProgressBar create(long totalHours) {
    return ProgressBars.create("simulate", " h", 1, totalHours, err);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
