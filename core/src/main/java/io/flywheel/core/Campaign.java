package io.flywheel.core;

import static io.flywheel.core.InvalidRecordException.require;
import static io.flywheel.core.InvalidRecordException.requireText;

import java.util.List;

/**
 * A marketing push: the content written for it is delivered between {@code startsAt} and {@code
 * endsAt} (epoch ms) and, when {@code experimentId} is set, split across {@code arms}.
 */
public record Campaign(
    String id,
    String name,
    String objective,
    List<String> categoryPath,
    String targetSegment,
    long startsAt,
    long endsAt,
    String experimentId,
    List<String> arms) {

  public Campaign {
    requireText(id, "id");
    requireText(name, "name");
    requireText(objective, "objective");
    categoryPath = categoryPath == null ? List.of() : List.copyOf(categoryPath);
    targetSegment = targetSegment == null ? "all" : targetSegment;
    require(startsAt > 0, "startsAt", "must be a positive epoch-millisecond time, got ", startsAt);
    require(endsAt > startsAt, "endsAt", "must be after startsAt");
    arms = arms == null ? List.of() : List.copyOf(arms);
    require(
        experimentId == null || arms.size() >= 2, "arms", "an experiment needs at least two arms");
  }
}
