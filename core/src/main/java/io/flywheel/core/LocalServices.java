package io.flywheel.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The services {@code flywheel up} runs for a home, as {@code HOME/services.json}: which process
 * runs them, since when, and each service's name, URL and health URL. Every command looks here
 * (after the production URLs of its configuration) and talks to a running service over its protocol
 * instead of starting its own, so no two processes open the same embedded database.
 *
 * <p>A file whose process has died is ignored (and replaced by the next {@code up}).
 */
public final class LocalServices {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String FILE = "services.json";

  /** Well-known service names. */
  public static final String TRACKING = "tracking";

  public static final String INFERENCE = "inference";
  public static final String TEMPORAL = "temporal";
  public static final String PIPELINES = "pipelines";
  public static final String FEATURES = "features";
  public static final String ELASTICSEARCH = "elasticsearch";
  public static final String DELIVERY = "delivery";
  public static final String CONSOLE = "console";

  /**
   * One service.
   *
   * @param name what it is ({@link #TRACKING}, {@link #INFERENCE}, …)
   * @param url where clients talk to it ({@code http://…} or, for gRPC and Temporal, {@code
   *     host:port})
   * @param health its HTTP health URL, or null when its protocol has its own (Temporal)
   */
  public record Service(String name, String url, String health) {}

  /** What {@code services.json} holds. */
  public record Running(long pid, String command, String started, List<Service> services) {
    public Optional<Service> service(String name) {
      return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }
  }

  private LocalServices() {}

  /** The services a live process runs for {@code home}, if any. */
  public static Optional<Running> of(Path home) {
    Path file = home.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Running r = JSON.readValue(file.toFile(), Running.class);
      boolean alive = ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false);
      return alive ? Optional.of(r) : Optional.empty();
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty(); // torn or stale: the next `up` rewrites it
    }
  }

  /** A service of {@code home} that a live process runs, other than this one. */
  public static Optional<Service> find(Path home, String name) {
    return of(home)
        .filter(r -> r.pid() != ProcessHandle.current().pid())
        .flatMap(r -> r.service(name));
  }

  /** Publishes this process's services for {@code home} (atomically; owner-only). */
  public static void publish(Path home, String command, Instant started, List<Service> services)
      throws IOException {
    Files.createDirectories(home);
    Running running =
        new Running(ProcessHandle.current().pid(), command, started.toString(), services);
    // Owner-only from its first byte: AtomicFiles stages in a temporary file (mode 0600).
    AtomicFiles.writeString(
        home.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(running));
  }

  /** Removes {@code services.json} if it describes this process. */
  public static void withdraw(Path home) {
    Path file = home.resolve(FILE);
    try {
      Running r = JSON.readValue(file.toFile(), Running.class);
      if (r.pid() == ProcessHandle.current().pid()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException | RuntimeException gone) {
      // nothing to remove
    }
  }
}
