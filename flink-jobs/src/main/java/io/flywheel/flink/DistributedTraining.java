package io.flywheel.flink;

import io.flywheel.training.DistributedEngine;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.flink.XGBoostModel;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.DataSet;
import org.apache.flink.api.java.ExecutionEnvironment;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.ml.linalg.Vector;
import org.apache.flink.ml.linalg.Vectors;
import org.apache.flink.util.Collector;

/**
 * The distributed engine: XGBoost on Flink ({@code xgboost4j-flink}, DataSet API), one worker per
 * parallel task, joined through the Rabit tracker this JVM starts (so a remote cluster's
 * TaskManagers must be able to reach this machine). Each worker reads one contiguous slice of a
 * rows file, and there are never fewer rows than workers: a worker with an empty partition never
 * joins and the job would hang. xgboost4j-flink takes no evaluation sets, so it trains exactly the
 * rounds asked for (no early stopping).
 */
public final class DistributedTraining implements DistributedEngine {
  /** For {@link java.util.ServiceLoader}. */
  public DistributedTraining() {}

  /**
   * Trains on {@code rows} (row-major {@code values}, one label each). The rows are written to
   * {@code scratch/rows.bin} (fixed-size little-endian float records), so the job graph stays small
   * and every worker reads its share from the file; for a remote cluster, {@code scratch} must be
   * on storage the TaskManagers share.
   */
  @Override
  public Booster train(
      float[] values,
      float[] labels,
      int columns,
      Map<String, Object> params,
      int rounds,
      int parallelism,
      String flinkRestUrl,
      Path scratch)
      throws Exception {
    int rows = labels.length;
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism: must be at least 1, got " + parallelism);
    }
    if (rows < parallelism) {
      throw new IllegalArgumentException(
          "examples: "
              + rows
              + " training rows cannot feed "
              + parallelism
              + " XGBoost workers (each needs at least one)");
    }
    Path file =
        write(values, labels, columns, Files.createDirectories(scratch).resolve("rows.bin"));
    try {
      ExecutionEnvironment env = environment(flinkRestUrl);
      env.setParallelism(parallelism);
      // One slice number per worker: rebalance deals N records to N distinct channels, so
      // every worker reads exactly one contiguous slice of the file, sequentially and without
      // shipping rows between tasks (and none is left with an empty partition).
      List<Integer> slices = new ArrayList<>();
      for (int i = 0; i < parallelism; i++) {
        slices.add(i);
      }
      DataSet<Tuple2<Vector, Double>> data =
          env.fromCollection(slices)
              .rebalance()
              .flatMap(
                  new SliceReader(file.toAbsolutePath().toString(), columns, rows, parallelism))
              .returns(TypeInformation.of(new TypeHint<Tuple2<Vector, Double>>() {}));
      XGBoostModel model = ml.dmlc.xgboost4j.java.flink.XGBoost.train(data, params, rounds);
      // The model keeps its booster to itself; its JSON bytes are the same model file.
      return XGBoost.loadModel(model.toByteArray("json"));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static Path write(float[] values, float[] labels, int columns, Path file)
      throws IOException {
    int record = (columns + 1) * Float.BYTES;
    ByteBuffer buffer = ByteBuffer.allocate(record * 4096).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      for (int r = 0; r < labels.length; r++) {
        if (buffer.remaining() < record) {
          buffer.flip();
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
          buffer.clear();
        }
        buffer.putFloat(labels[r]);
        for (int c = 0; c < columns; c++) {
          buffer.putFloat(values[r * columns + c]);
        }
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
    return file;
  }

  /** Slice {@code i} of {@code slices} of the rows file, as (features, label) pairs. */
  static final class SliceReader extends RichFlatMapFunction<Integer, Tuple2<Vector, Double>> {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int columns;
    private final long rows;
    private final int slices;

    SliceReader(String file, int columns, long rows, int slices) {
      this.file = file;
      this.columns = columns;
      this.rows = rows;
      this.slices = slices;
    }

    @Override
    public void flatMap(Integer slice, Collector<Tuple2<Vector, Double>> out) throws IOException {
      long from = rows * slice / slices;
      long to = rows * (slice + 1) / slices;
      int record = (columns + 1) * Float.BYTES;
      ByteBuffer buffer = ByteBuffer.allocate(record * 4096).order(ByteOrder.LITTLE_ENDIAN);
      try (FileChannel channel = FileChannel.open(Path.of(file), StandardOpenOption.READ)) {
        long position = from * record;
        long end = to * record;
        buffer.limit(0);
        for (long row = from; row < to; row++) {
          if (buffer.remaining() < record) {
            buffer.compact();
            while (buffer.position() < record && position < end) {
              buffer.limit((int) Math.min(buffer.capacity(), buffer.position() + end - position));
              int read = channel.read(buffer, position);
              if (read < 0) {
                throw new IOException(file + ": ends before row " + row);
              }
              position += read;
            }
            buffer.flip();
          }
          double label = buffer.getFloat();
          double[] features = new double[columns];
          for (int c = 0; c < columns; c++) {
            features[c] = buffer.getFloat();
          }
          out.collect(Tuple2.of(Vectors.dense(features), label));
        }
      }
    }
  }

  private static ExecutionEnvironment environment(String flinkRestUrl) {
    if (flinkRestUrl == null || flinkRestUrl.isBlank()) {
      return ExecutionEnvironment.createLocalEnvironment();
    }
    URI uri = URI.create(flinkRestUrl);
    if (uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException(
          "FLINK_REST_URL: expected http://host:port, got " + flinkRestUrl);
    }
    return ExecutionEnvironment.createRemoteEnvironment(
        uri.getHost(), uri.getPort(), JobJar.locate(null).toString());
  }
}
