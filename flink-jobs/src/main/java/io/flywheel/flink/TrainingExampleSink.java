package io.flywheel.flink;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.OfflineStore;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Writes labelled examples to the offline store exactly once: parts are staged hidden and published
 * when the checkpoint that covers them completes.
 */
final class TrainingExampleSink implements Sink<TrainingExample>, StagedFilesSink {
  private static final long serialVersionUID = 1L;
  private static final int MAX_BUFFERED = 100_000;

  private final String offlineDir;

  TrainingExampleSink(String offlineDir) {
    this.offlineDir = offlineDir;
  }

  @Override
  @SuppressWarnings("deprecation")
  public CommittingSinkWriter<TrainingExample, String> createWriter(InitContext context) {
    OfflineStore offline = new OfflineStore(Path.of(offlineDir), FeatureRegistry.builtIn());
    return new CommittingSinkWriter<>() {
      private final List<TrainingExample> buffer = new ArrayList<>();
      private final List<String> staged = new ArrayList<>();

      @Override
      public void write(TrainingExample example, Context context) {
        buffer.add(example);
        if (buffer.size() >= MAX_BUFFERED) {
          stage();
        }
      }

      private void stage() {
        if (!buffer.isEmpty()) {
          staged.addAll(offline.stageTrainingExamples(buffer));
          buffer.clear();
        }
      }

      @Override
      public void flush(boolean endOfInput) {
        stage();
      }

      @Override
      public Collection<String> prepareCommit() {
        stage();
        List<String> ready = new ArrayList<>(staged);
        staged.clear();
        return ready;
      }

      @Override
      public void close() {}
    };
  }
}
