package io.flywheel.workflows;

import java.util.List;

/** A pipeline that cannot be run, with every problem found. */
public final class PipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public PipelineException(String pipeline, List<String> problems) {
    super("pipeline " + pipeline + " is invalid: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
