package io.flywheel.console;

import io.flywheel.core.DurationText;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option types picocli converts before a command runs, so a bad value is a usage error naming the
 * option (exit 2) and commands only ever see parsed values.
 */
final class OptionTypes {
  private OptionTypes() {}

  /** A calendar day, {@code YYYY-MM-DD}. */
  static final class Day implements ITypeConverter<LocalDate> {
    @Override
    public LocalDate convert(String value) {
      try {
        return LocalDate.parse(value.trim());
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("expected YYYY-MM-DD, got '" + value + "'");
      }
    }
  }

  /** A duration as people write it: {@code 500ms}, {@code 5s}, {@code 30m}, {@code 1h}. */
  static final class ShortDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return DurationText.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Where the feature jobs keep keyed state. */
  enum StateBackend {
    rocksdb,
    hashmap
  }

  /** Where a model trains: {@code auto} picks the distributed engine for large sets. */
  enum Engine {
    local,
    flink,
    auto
  }
}
