package io.flywheel.flink;

import io.flywheel.featurestore.OfflineStore;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The commit half of the offline sinks' two-phase write: writers stage hidden Parquet parts before
 * a checkpoint; once the checkpoint completes, these are published (renamed).
 */
final class StagedFiles {
  private StagedFiles() {}

  static final class Publisher implements Committer<String> {
    @Override
    public void commit(Collection<CommitRequest<String>> requests) {
      for (CommitRequest<String> request : requests) {
        OfflineStore.publish(request.getCommittable());
      }
    }

    @Override
    public void close() {}
  }

  static final class PathSerializer implements SimpleVersionedSerializer<String> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(String path) {
      return path.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String deserialize(int version, byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
