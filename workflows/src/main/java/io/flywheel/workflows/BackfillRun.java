package io.flywheel.workflows;

import java.util.List;
import java.util.Map;

/**
 * A backfill: one child run per date, at most {@code parallelism} at a time, its task types routed
 * as {@code routing} says.
 */
public record BackfillRun(
    String backfillId,
    PipelineSpec pipeline,
    Map<String, String> params,
    List<String> dates,
    int parallelism,
    Map<String, TaskRouting> routing) {}
