package io.flywheel.workflows;

/** When a task may run, given how its upstream tasks ended (Airflow's trigger rules). */
public enum TriggerRule {
  /** Every upstream task succeeded (the default). */
  ALL_SUCCESS,
  /** Every upstream task finished, whatever the outcome. */
  ALL_DONE,
  /** At least one upstream task failed (for alerts and clean-up). */
  ONE_FAILED
}
