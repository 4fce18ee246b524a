package io.flywheel.workflows;

import java.util.Map;

/**
 * What a run is asked to do: the pipeline, its parameters and its logical date, and where each of
 * its task types runs.
 */
public record DagRun(
    String runId,
    PipelineSpec pipeline,
    Map<String, String> params,
    String logicalDate,
    Map<String, TaskRouting> routing) {}
