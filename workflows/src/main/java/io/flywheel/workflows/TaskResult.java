package io.flywheel.workflows;

import java.util.Map;

/** What a task attempt produced, and which attempt it was. */
public record TaskResult(Map<String, String> outputs, int attempt) {}
