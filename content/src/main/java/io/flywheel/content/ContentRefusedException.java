package io.flywheel.content;

/**
 * A request Flywheel will not write, whatever the generator: its {@link #reason()} is a stable code
 * ({@code fabricated_reviews}, {@code unsupported_claim}) and the message says why in plain words.
 */
public final class ContentRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  ContentRefusedException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
