package io.flywheel.flink;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.OfflineStore;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

/** Writes labelled examples to the offline store, one Parquet part per date per flush. */
final class TrainingExampleSink implements Sink<TrainingExample> {
  private static final long serialVersionUID = 1L;
  private static final int MAX_BUFFERED = 100_000;

  private final String home;

  TrainingExampleSink(String home) {
    this.home = home;
  }

  @Override
  @SuppressWarnings("deprecation")
  public SinkWriter<TrainingExample> createWriter(InitContext context) {
    OfflineStore offline = new OfflineStore(Path.of(home).resolve("features").resolve("offline"),
        FeatureRegistry.builtIn());
    return new SinkWriter<>() {
      private final List<TrainingExample> buffer = new ArrayList<>();

      @Override
      public void write(TrainingExample example, Context context) {
        buffer.add(example);
        if (buffer.size() >= MAX_BUFFERED) {
          flush(false);
        }
      }

      @Override
      public void flush(boolean endOfInput) {
        if (!buffer.isEmpty()) {
          offline.writeTrainingExamples(buffer);
          buffer.clear();
        }
      }

      @Override
      public void close() {
      }
    };
  }
}
