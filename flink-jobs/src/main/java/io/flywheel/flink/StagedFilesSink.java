package io.flywheel.flink;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** A sink whose writers stage hidden files that are published when a checkpoint completes. */
interface StagedFilesSink extends SupportsCommitter<String> {

  @Override
  default Committer<String> createCommitter(CommitterInitContext context) {
    return new StagedFiles.Publisher();
  }

  @Override
  default SimpleVersionedSerializer<String> getCommittableSerializer() {
    return new StagedFiles.PathSerializer();
  }
}
