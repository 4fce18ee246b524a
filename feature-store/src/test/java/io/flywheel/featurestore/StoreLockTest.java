package io.flywheel.featurestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One holder at a time, and whoever comes second is told who holds it. */
class StoreLockTest {
  @TempDir Path dir;

  @Test
  void aSecondHolderIsRefusedNamingTheFirstOrWaitsForIt() throws Exception {
    long me = ProcessHandle.current().pid();
    StoreLock first = StoreLock.acquire(dir, "writer", "the feature store's writer", Duration.ZERO);
    assertThatThrownBy(
            () -> StoreLock.acquire(dir, "writer", "the feature store's writer", Duration.ZERO))
        .isInstanceOf(StoreLock.HeldException.class)
        .hasMessageContaining("the feature store's writer")
        .hasMessageContaining("is in use by process " + me)
        .hasMessageContaining("--wait-lock");
    // A waiting holder gets the lock once the first lets go.
    CompletableFuture<StoreLock> second =
        CompletableFuture.supplyAsync(
            () ->
                StoreLock.acquire(
                    dir, "writer", "the feature store's writer", Duration.ofSeconds(20)));
    Thread.sleep(500);
    assertThat(second).isNotDone();
    first.close();
    second.get(20, TimeUnit.SECONDS).close();
    // Released: free again.
    StoreLock.acquire(dir, "writer", "the feature store's writer", Duration.ZERO).close();
  }

  @Test
  void theEmbeddedOnlineStoreOpensOnceAndNamesItsHolder() throws Exception {
    try (OnlineStore open = OnlineStore.open(dir.resolve("features"), null, Clock.systemUTC())) {
      assertThatThrownBy(() -> OnlineStore.open(dir.resolve("features"), null, Clock.systemUTC()))
          .hasMessageContaining("the embedded online store")
          .hasMessageContaining("is in use by process " + ProcessHandle.current().pid());
    }
    OnlineStore.open(dir.resolve("features"), null, Clock.systemUTC()).close();
  }
}
