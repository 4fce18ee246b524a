package io.flywheel.core;

/** Told after every simulated hour how far the run is; the CLI turns it into a progress bar. */
@FunctionalInterface
public interface SimulationProgress {
  SimulationProgress NONE = (simulatedHours, totalHours, eventsWritten) -> {};

  void update(long simulatedHours, long totalHours, long eventsWritten);
}
