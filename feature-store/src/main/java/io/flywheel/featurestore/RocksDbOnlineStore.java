package io.flywheel.featurestore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/** The embedded online store: one RocksDB database under the data folder. */
final class RocksDbOnlineStore implements OnlineStore {
  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final Clock clock;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions writeOptions = new WriteOptions();
  private final StoreLock holder;

  RocksDbOnlineStore(Path dir, Clock clock) throws IOException {
    this.dir = dir;
    this.clock = clock;
    Files.createDirectories(dir);
    // An embedded database opens in one process at a time: say who has it open, instead of
    // RocksDB's "lock hold by ..." (Redis is the online store processes can share).
    this.holder =
        StoreLock.acquire(
            dir.getParent(), "online", "the embedded online store", java.time.Duration.ZERO);
    this.options = new Options().setCreateIfMissing(true);
    try {
      this.db = RocksDB.open(options, dir.toString());
    } catch (RocksDBException e) {
      options.close();
      holder.close();
      throw new IOException("cannot open the online store at " + dir + ": " + e.getMessage(), e);
    }
  }

  private static byte[] key(FeatureView view, String key) {
    return (view.qualifiedName() + '\u0000' + key).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public synchronized int upsertAll(FeatureView view, Collection<FeatureVector> vectors) {
    long now = clock.millis();
    // The newest vector per key wins within the batch as well as against the store.
    Map<String, FeatureVector> newest = new LinkedHashMap<>();
    for (FeatureVector v : vectors) {
      newest.merge(v.key(), v, (a, b) -> b.asOf() >= a.asOf() ? b : a);
    }
    List<byte[]> keys = new ArrayList<>(newest.size());
    for (String k : newest.keySet()) {
      keys.add(key(view, k));
    }
    try (WriteBatch batch = new WriteBatch()) {
      List<byte[]> current = db.multiGetAsList(keys);
      int written = 0;
      int i = 0;
      for (FeatureVector v : newest.values()) {
        byte[] stored = current.get(i);
        if (stored == null
            || FeatureVectorCodec.decode(view, v.key(), stored).vector().asOf() <= v.asOf()) {
          batch.put(keys.get(i), FeatureVectorCodec.encode(v, now));
          written++;
        }
        i++;
      }
      db.write(writeOptions, batch);
      return written;
    } catch (RocksDBException e) {
      throw new IllegalStateException("online store write failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, FeatureVector> getMany(FeatureView view, Collection<String> keys) {
    List<String> wanted = List.copyOf(keys);
    List<byte[]> raw = new ArrayList<>(wanted.size());
    for (String k : wanted) {
      raw.add(key(view, k));
    }
    long expiredBefore = clock.millis() - view.ttl().toMillis();
    Map<String, FeatureVector> found = new LinkedHashMap<>();
    try {
      List<byte[]> values = db.multiGetAsList(raw);
      for (int i = 0; i < wanted.size(); i++) {
        byte[] bytes = values.get(i);
        if (bytes != null) {
          FeatureVectorCodec.Stored stored = FeatureVectorCodec.decode(view, wanted.get(i), bytes);
          if (stored.writtenAt() >= expiredBefore) {
            found.put(wanted.get(i), stored.vector());
          }
        }
      }
    } catch (RocksDBException e) {
      throw new IllegalStateException("online store read failed: " + e.getMessage(), e);
    }
    return found;
  }

  @Override
  public String describe() {
    return "rocksdb:" + dir;
  }

  @Override
  public void close() {
    writeOptions.close();
    db.close();
    options.close();
    holder.close();
  }
}
