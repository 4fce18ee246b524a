package io.flywheel.flink;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.FeatureView;
import io.flywheel.featurestore.OfflineStore;
import io.flywheel.featurestore.OnlineStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Writes feature vectors to both stores. Updates are coalesced per entity: the online store gets
 * each entity's newest vector every {@link #ONLINE_FLUSH_MILLIS} (freshness does not wait for a
 * checkpoint), the offline store one snapshot per entity and date (its newest of that day), staged
 * at each checkpoint, the end of input, or a full buffer.
 */
final class FeatureStoreSink implements Sink<FeatureVector>, StagedFilesSink {
  private static final long serialVersionUID = 1L;
  private static final int MAX_BUFFERED = 50_000;
  static final long ONLINE_FLUSH_MILLIS = 200;

  private final String home;
  private final String offlineDir;
  private final String redisUrl;

  /**
   * Online values go to {@code home}'s online store (or Redis), snapshots to {@code offlineDir}.
   */
  FeatureStoreSink(String home, String offlineDir, String redisUrl) {
    this.home = home;
    this.offlineDir = offlineDir;
    this.redisUrl = redisUrl;
  }

  @Override
  @SuppressWarnings("deprecation")
  public CommittingSinkWriter<FeatureVector, String> createWriter(InitContext context)
      throws IOException {
    Writer writer = new Writer(SharedOnlineStores.acquire(home, redisUrl));
    ProcessingTimeService time = context.getProcessingTimeService();
    // Timer callbacks run in the task's own thread, between records: no locking needed.
    ProcessingTimeService.ProcessingTimeCallback tick =
        new ProcessingTimeService.ProcessingTimeCallback() {
          @Override
          public void onProcessingTime(long now) {
            writer.flushOnline();
            time.registerTimer(now + ONLINE_FLUSH_MILLIS, this);
          }
        };
    time.registerTimer(time.getCurrentProcessingTime() + ONLINE_FLUSH_MILLIS, tick);
    return writer;
  }

  /**
   * Online upserts happen at every flush (they are idempotent: a replay after a restart never moves
   * a value back); offline snapshots are staged and published with the checkpoint.
   */
  private final class Writer implements CommittingSinkWriter<FeatureVector, String> {
    private final FeatureRegistry registry = FeatureRegistry.builtIn();
    private final OnlineStore online;
    private final OfflineStore offline = new OfflineStore(Path.of(offlineDir), registry);
    private final Map<String, Map<String, FeatureVector>> latest = new HashMap<>();
    private final Map<String, Map<String, FeatureVector>> daily = new HashMap<>();
    private int buffered;
    private final List<String> staged = new ArrayList<>();

    Writer(OnlineStore online) {
      this.online = online;
    }

    @Override
    public void write(FeatureVector vector, Context context) throws IOException {
      latest
          .computeIfAbsent(vector.view(), v -> new LinkedHashMap<>())
          .merge(vector.key(), vector, Writer::newer);
      String day = vector.key() + "@" + Math.floorDiv(vector.asOf(), 86_400_000L);
      daily
          .computeIfAbsent(vector.view(), v -> new LinkedHashMap<>())
          .merge(day, vector, Writer::newer);
      if (++buffered >= MAX_BUFFERED) {
        flush(false);
      }
    }

    private static FeatureVector newer(FeatureVector a, FeatureVector b) {
      return b.asOf() >= a.asOf() ? b : a;
    }

    void flushOnline() {
      for (Map.Entry<String, Map<String, FeatureVector>> view : latest.entrySet()) {
        FeatureView spec = registry.view(view.getKey());
        online.upsertAll(spec, view.getValue().values());
      }
      latest.clear();
    }

    @Override
    public void flush(boolean endOfInput) {
      flushOnline();
      for (Map.Entry<String, Map<String, FeatureVector>> view : daily.entrySet()) {
        List<FeatureVector> snapshots = new ArrayList<>(view.getValue().values());
        staged.addAll(offline.stageSnapshots(registry.view(view.getKey()), snapshots));
      }
      daily.clear();
      buffered = 0;
    }

    @Override
    public Collection<String> prepareCommit() {
      flush(false);
      List<String> ready = new ArrayList<>(staged);
      staged.clear();
      return ready;
    }

    @Override
    public void close() {
      SharedOnlineStores.release(home, redisUrl);
    }
  }
}
