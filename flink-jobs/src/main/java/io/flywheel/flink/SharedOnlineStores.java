package io.flywheel.flink;

import io.flywheel.featurestore.OnlineStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * One online store per location per JVM, shared by the sink's parallel writers: an embedded RocksDB
 * database can be opened only once per process.
 */
public final class SharedOnlineStores {
  private record Entry(OnlineStore store, int users) {}

  private static final Map<String, Entry> OPEN = new HashMap<>();

  private SharedOnlineStores() {}

  public static synchronized OnlineStore acquire(String home, String redisUrl) throws IOException {
    String id = redisUrl != null && !redisUrl.isBlank() ? redisUrl : home;
    Entry entry = OPEN.get(id);
    if (entry == null) {
      entry =
          new Entry(
              OnlineStore.open(Path.of(home).resolve("features"), redisUrl, Clock.systemUTC()), 0);
    }
    OPEN.put(id, new Entry(entry.store(), entry.users() + 1));
    return entry.store();
  }

  public static synchronized void release(String home, String redisUrl) {
    String id = redisUrl != null && !redisUrl.isBlank() ? redisUrl : home;
    Entry entry = OPEN.get(id);
    if (entry == null) {
      return;
    }
    if (entry.users() <= 1) {
      OPEN.remove(id);
      entry.store().close();
    } else {
      OPEN.put(id, new Entry(entry.store(), entry.users() - 1));
    }
  }
}
