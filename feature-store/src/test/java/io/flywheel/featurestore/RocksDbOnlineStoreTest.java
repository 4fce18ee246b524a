package io.flywheel.featurestore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbOnlineStoreTest extends OnlineStoreContract {
  @TempDir Path home;

  private final AtomicLong now = new AtomicLong(1_767_571_200_000L);

  private Clock clock() {
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(now.get());
      }
    };
  }

  @Override
  OnlineStore open() throws Exception {
    return OnlineStore.open(home, null, clock());
  }

  @Override
  void elapse(long millis) {
    now.addAndGet(millis);
  }

  @Test
  void valuesSurviveARestart() throws Exception {
    store.upsert(ACTIVITY, activity("u1", 1_000, 3));
    store.close();
    store = open();
    assertThat(store.get(ACTIVITY, "u1")).isPresent();
    assertThat(store.describe()).startsWith("rocksdb:").endsWith("online");
  }
}
