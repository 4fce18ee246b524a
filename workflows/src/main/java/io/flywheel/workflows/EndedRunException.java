package io.flywheel.workflows;

/** A signal (approve, pause, resume, cancel) sent to a run that has already ended. */
public final class EndedRunException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EndedRunException(String runId, String status, String what) {
    super("run '" + runId + "' is " + status + ": there is nothing to " + what);
  }
}
