package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalServicesTest {
  @TempDir Path home;

  @Test
  void servicesOfALiveProcessAreFoundAndAFileLeftByADeadOneIsIgnored() throws Exception {
    LocalServices.Service features =
        new LocalServices.Service(
            LocalServices.FEATURES, "http://127.0.0.1:8081", "http://127.0.0.1:8081/health");
    LocalServices.publish(home, "up", Instant.parse("2026-12-03T10:00:00Z"), List.of(features));
    Path file = home.resolve(LocalServices.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    var running = LocalServices.of(home).orElseThrow();
    assertThat(running.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(running.service(LocalServices.FEATURES)).contains(features);
    // This process's own services are not "elsewhere": it must not connect to itself.
    assertThat(LocalServices.find(home, LocalServices.FEATURES)).isEmpty();

    // A file whose process has died (an `up` killed with SIGKILL) is ignored.
    long dead = new ProcessBuilder("true").start().pid();
    ProcessHandle.of(dead).ifPresent(p -> p.onExit().join());
    Files.writeString(
        file, Files.readString(file).replace(Long.toString(running.pid()), Long.toString(dead)));
    assertThat(LocalServices.of(home)).isEmpty();
    Files.writeString(file, "{torn");
    assertThat(LocalServices.of(home)).isEmpty();

    LocalServices.publish(home, "up", Instant.now(), List.of(features));
    LocalServices.withdraw(home);
    assertThat(file).doesNotExist();
  }
}
