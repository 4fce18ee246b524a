package io.flywheel.webconsole;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.workflows.Pipelines;
import java.nio.file.Path;

/** What the console's pages read: the home, its settings, the tracking server, pipelines. */
record Sources(Path home, FlywheelConfig config, ModelRegistry registry, Pipelines pipelines) {
  boolean pipelinesConnected() {
    return pipelines != null;
  }
}
