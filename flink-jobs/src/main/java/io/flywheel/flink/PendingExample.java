package io.flywheel.flink;

import io.flywheel.core.Event;
import java.util.Map;

/** An impression and the features gathered for it so far, flattened as view__feature. */
record PendingExample(Event impression, Map<String, Object> features) {}
