package io.flywheel.workflows;

import java.util.Map;

/** One activity invocation: which task of which run, with its rendered parameters. */
public record TaskCall(String runId, String taskId, String type, Map<String, String> params) {}
