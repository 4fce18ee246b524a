package io.flywheel.core;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Parses the lower-case wire names of Flywheel's enums, naming the field on failure. */
final class WireNames {
  interface Named {
    String wireName();
  }

  /** The field an enum names while it parses alone; the codec replaces it with the real one. */
  static final String UNNAMED_FIELD = "?";

  private WireNames() {}

  static <E extends Enum<E> & Named> E parse(
      Class<E> type, String value, String field, String what) {
    E[] values = type.getEnumConstants();
    for (E candidate : values) {
      if (candidate.wireName().equals(value)) {
        return candidate;
      }
    }
    throw new InvalidRecordException(
        field,
        "unknown "
            + what
            + " \""
            + value
            + "\" (expected "
            + Arrays.stream(values).map(Named::wireName).collect(Collectors.joining(", "))
            + ")");
  }
}
