package io.flywheel.workflows;

/** No run of that id is known, to the service or to Flywheel's run index. */
public final class UnknownRunException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownRunException(String runId) {
    super("no run '" + runId + "' is known");
  }
}
