package io.flywheel.flink;

import io.flywheel.core.Event;

/**
 * An impression and the features gathered for it so far, in {@link ExampleColumns} order (null
 * where not gathered yet or missing).
 */
record PendingExample(Event impression, Object[] features) {}
