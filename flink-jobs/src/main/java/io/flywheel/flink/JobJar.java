package io.flywheel.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The self-contained job jar (Flywheel's classes and their libraries, without Flink) that a remote
 * cluster needs: the one configured ({@code FLYWHEEL_JOB_JAR}), or the {@code *-job.jar} the build
 * leaves beside the classes of this module (flink-jobs/target, or console/target for the CLI).
 */
final class JobJar {
  private JobJar() {}

  /** {@code named} when given (FLYWHEEL_JOB_JAR), else the jar the build left here. */
  static Path locate(String named) {
    if (named != null && !named.isBlank()) {
      Path jar = Path.of(named);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("FLYWHEEL_JOB_JAR: no such file " + jar);
      }
      return jar;
    }
    Path here;
    try {
      here = Path.of(FeatureJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    for (Path dir : List.of(here.getParent(), here.getParent().getParent())) {
      try (Stream<Path> files = Files.list(dir)) {
        var jar =
            files
                .filter(f -> f.getFileName().toString().matches("flywheel-flink-jobs.*-job\\.jar"))
                .findFirst();
        if (jar.isPresent()) {
          return jar.get();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException(
        "no flywheel-flink-jobs-*-job.jar near "
            + here
            + ": build with `mvn package`, or set FLYWHEEL_JOB_JAR");
  }
}
