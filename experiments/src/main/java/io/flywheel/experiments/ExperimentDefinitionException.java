package io.flywheel.experiments;

/** An experiment definition that cannot be used, naming the field and the reason. */
public final class ExperimentDefinitionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public ExperimentDefinitionException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
  }

  public String field() {
    return field;
  }

  static void require(boolean ok, String field, String reason) {
    if (!ok) {
      throw new ExperimentDefinitionException(field, reason);
    }
  }
}
