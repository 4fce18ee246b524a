package io.flywheel.workflows;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One task of a pipeline: an activity type with parameters (which may use {@code {{ ds }}}, {@code
 * {{ params.NAME }}}, {@code {{ run_id }}} and {@code {{ tasks.ID.KEY }}}), the tasks it waits for,
 * how often it is tried, how long one attempt may take, and its trigger rule.
 */
public record TaskSpec(
    String id,
    String type,
    Map<String, String> params,
    List<String> upstream,
    int maxAttempts,
    Duration retryInterval,
    Duration timeout,
    TriggerRule triggerRule) {

  public TaskSpec {
    params = params == null ? Map.of() : Map.copyOf(params);
    upstream = upstream == null ? List.of() : List.copyOf(upstream);
    maxAttempts = maxAttempts < 1 ? 1 : maxAttempts;
    retryInterval = retryInterval == null ? Duration.ofSeconds(1) : retryInterval;
    timeout = timeout == null ? Duration.ofHours(1) : timeout;
    triggerRule = triggerRule == null ? TriggerRule.ALL_SUCCESS : triggerRule;
  }
}
