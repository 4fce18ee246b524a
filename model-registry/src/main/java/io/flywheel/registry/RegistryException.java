package io.flywheel.registry;

/** A tracking or registry call that failed, with what was asked and what MLflow answered. */
public final class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RegistryException(String message) {
    super(message);
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
