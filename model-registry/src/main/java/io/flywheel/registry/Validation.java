package io.flywheel.registry;

import java.util.Map;

/** MLflow's limits on keys and values, checked before anything is written. */
final class Validation {
  static final int MAX_KEY_LENGTH = 250;
  static final int MAX_PARAM_VALUE_LENGTH = 6000;
  static final int MAX_TAG_VALUE_LENGTH = 8000;

  private Validation() {}

  static String requireText(String field, String value, int maxLength) {
    if (value == null || value.isEmpty()) {
      throw MlflowError.invalid(field, "is required");
    }
    if (value.length() > maxLength) {
      throw MlflowError.invalid(field, "longer than " + maxLength + " characters");
    }
    return value;
  }

  static void validateTags(Map<String, String> tags) {
    tags.forEach(
        (k, v) -> {
          requireText("tags.key", k, MAX_KEY_LENGTH);
          if (v != null && v.length() > MAX_TAG_VALUE_LENGTH) {
            throw MlflowError.invalid(
                "tags.value",
                "tag '" + k + "' is longer than " + MAX_TAG_VALUE_LENGTH + " characters");
          }
        });
  }

  static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
