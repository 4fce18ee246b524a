package io.flywheel.workflows;

import io.flywheel.core.DurationText;
import java.time.Duration;

/**
 * Durations in pipeline files and task parameters: Flywheel's short form ({@code 500ms}, {@code
 * 30s}, {@code 5m}, {@code 2h}, {@code 1d}, see {@link DurationText}) or ISO-8601 ({@code PT1M});
 * errors name the field.
 */
public final class Durations {
  private Durations() {}

  public static Duration parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(field + ": a duration is required");
    }
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException notShort) {
      try {
        return Duration.parse(text.trim());
      } catch (RuntimeException notIso) {
        throw new IllegalArgumentException(
            field + ": '" + text + "' is not a duration (e.g. " + "30s, 5m, 2h, PT1M)");
      }
    }
  }
}
