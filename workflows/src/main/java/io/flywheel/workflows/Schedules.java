package io.flywheel.workflows;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Cron schedules in the dialect Temporal's cron workflows use: five UNIX fields (minute, hour, day
 * of month, month, day of week), in UTC.
 */
final class Schedules {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private Schedules() {}

  static Cron parse(String expression) {
    try {
      return PARSER.parse(expression).validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'"
              + expression
              + "' is not a five-field cron "
              + "expression (minute hour day-of-month month day-of-week): "
              + e.getMessage());
    }
  }

  /** The first time the schedule fires after {@code after}. */
  static Optional<ZonedDateTime> next(String expression, ZonedDateTime after) {
    return ExecutionTime.forCron(parse(expression)).nextExecution(after);
  }
}
