package io.flywheel.featurestore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Feature snapshots and training examples as Parquet files, partitioned by the UTC date of their
 * event time ({@code date=YYYY-MM-DD} folders, as Hive, Spark, DuckDB and pyarrow read them). Files
 * are written under a hidden name and renamed when complete (or, for a job, when its checkpoint
 * completes), so a reader never sees half a file or uncommitted rows.
 *
 * <p>Layout under the root: {@code features/<view>.v<version>/date=.../part-*.parquet} and {@code
 * training_examples/v<registry version>/date=.../part-*.parquet}.
 */
public final class OfflineStore {
  private final Path root;
  private final FeatureRegistry registry;
  private final OfflineSchemas schemas;

  public OfflineStore(Path root, FeatureRegistry registry) {
    this.root = root;
    this.registry = registry;
    this.schemas = new OfflineSchemas(registry);
  }

  Path snapshotDir(FeatureView view) {
    return root.resolve("features").resolve(view.qualifiedName());
  }

  Path trainingDir() {
    return root.resolve("training_examples").resolve("v" + registry.version());
  }

  /** Writes snapshots of one view, one new part file per date touched. */
  public void writeSnapshots(FeatureView view, Collection<FeatureVector> vectors) {
    stageSnapshots(view, vectors).forEach(OfflineStore::publish);
  }

  public void writeTrainingExamples(Collection<TrainingExample> examples) {
    stageTrainingExamples(examples).forEach(OfflineStore::publish);
  }

  /**
   * Writes snapshots into hidden part files that readers ignore and returns their paths; {@link
   * #publish} makes each visible. A job commits them when its checkpoint completes, so a restart
   * never leaves the same rows twice.
   */
  public List<String> stageSnapshots(FeatureView view, Collection<FeatureVector> vectors) {
    Schema schema = schemas.snapshot(view);
    return stagePartitioned(
        snapshotDir(view),
        schema,
        vectors,
        FeatureVector::asOf,
        v -> schemas.toRecord(view, schema, v));
  }

  public List<String> stageTrainingExamples(Collection<TrainingExample> examples) {
    Schema schema = schemas.trainingExample();
    return stagePartitioned(
        trainingDir(),
        schema,
        examples,
        TrainingExample::timestamp,
        e -> schemas.toRecord(schema, e));
  }

  /**
   * Makes a staged part file visible. Idempotent: publishing a file already published (a commit
   * retried after a restart) does nothing.
   */
  public static void publish(String stagedPath) {
    Path hidden = Path.of(stagedPath);
    Path visible = hidden.resolveSibling(hidden.getFileName().toString().substring(1));
    try {
      if (Files.exists(hidden)) {
        Files.move(hidden, visible, StandardCopyOption.ATOMIC_MOVE);
      } else if (!Files.exists(visible)) {
        throw new IllegalStateException(
            "staged Parquet file " + hidden + " is gone and was never published");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish " + hidden, e);
    }
  }

  /** Snapshots of {@code view} whose event-time date is within [from, to], in file order. */
  public List<FeatureVector> readSnapshots(FeatureView view, LocalDate from, LocalDate to) {
    List<FeatureVector> out = new ArrayList<>();
    forEachRecord(snapshotDir(view), from, to, r -> out.add(schemas.toVector(view, r)));
    return out;
  }

  /** Training examples whose impression date is within [from, to]. */
  public void forEachTrainingExample(
      LocalDate from, LocalDate to, Consumer<TrainingExample> action) {
    forEachRecord(trainingDir(), from, to, r -> action.accept(schemas.toExample(r)));
  }

  public List<TrainingExample> readTrainingSet(LocalDate from, LocalDate to) {
    List<TrainingExample> out = new ArrayList<>();
    forEachTrainingExample(from, to, out::add);
    return out;
  }

  /** The dates that hold training examples, oldest first (what data-arrival triggers watch). */
  public List<LocalDate> trainingDates() {
    return partitions(trainingDir()).keySet().stream().toList();
  }

  /**
   * The date partitions of a dataset ({@code training-examples}, or {@code features/VIEW} for a
   * view's snapshots) with the time their newest data file was written, oldest date first: what
   * data-arrival triggers watch. Partitions with no published file yet are left out.
   */
  public Map<LocalDate, Instant> partitionTimes(String dataset) {
    Path dir;
    if ("training-examples".equals(dataset)) {
      dir = trainingDir();
    } else if (dataset.startsWith("features/")) {
      dir = snapshotDir(registry.view(dataset.substring("features/".length())));
    } else {
      throw new IllegalArgumentException(
          "dataset: 'training-examples' or 'features/VIEW', got '" + dataset + "'");
    }
    Map<LocalDate, Instant> out = new TreeMap<>();
    for (Map.Entry<LocalDate, Path> partition : partitions(dir).entrySet()) {
      try (Stream<Path> files = Files.list(partition.getValue())) {
        files
            .filter(OfflineStore::isDataFile)
            .map(
                f -> {
                  try {
                    return Files.getLastModifiedTime(f).toInstant();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })
            .max(Instant::compareTo)
            .ifPresent(t -> out.put(partition.getKey(), t));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private <T> List<String> stagePartitioned(
      Path dir,
      Schema schema,
      Collection<T> items,
      ToLongFunction<T> time,
      java.util.function.Function<T, GenericRecord> toRecord) {
    List<String> staged = new ArrayList<>();
    Map<LocalDate, List<T>> byDate = new TreeMap<>();
    for (T item : items) {
      byDate.computeIfAbsent(date(time.applyAsLong(item)), d -> new ArrayList<>()).add(item);
    }
    try {
      for (Map.Entry<LocalDate, List<T>> entry : byDate.entrySet()) {
        Path partition = dir.resolve("date=" + entry.getKey());
        Files.createDirectories(partition);
        String name = "part-" + UUID.randomUUID() + ".parquet";
        Path hidden = partition.resolve("." + name);
        try (ParquetWriter<GenericRecord> writer =
            AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(hidden))
                .withSchema(schema)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build()) {
          for (T item : entry.getValue()) {
            writer.write(toRecord.apply(item));
          }
        }
        staged.add(hidden.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write Parquet under " + dir, e);
    }
    return staged;
  }

  private void forEachRecord(
      Path dir, LocalDate from, LocalDate to, Consumer<GenericRecord> action) {
    for (Map.Entry<LocalDate, Path> partition : partitions(dir).entrySet()) {
      if (partition.getKey().isBefore(from) || partition.getKey().isAfter(to)) {
        continue;
      }
      try (Stream<Path> files = Files.list(partition.getValue())) {
        for (Path file : files.filter(OfflineStore::isDataFile).sorted().toList()) {
          try (ParquetReader<GenericRecord> reader =
              AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
                  .withDataModel(GenericData.get())
                  .build()) {
            GenericRecord record;
            while ((record = reader.read()) != null) {
              action.accept(record);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read Parquet under " + partition.getValue(), e);
      }
    }
  }

  private static boolean isDataFile(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_");
  }

  private static Map<LocalDate, Path> partitions(Path dir) {
    Map<LocalDate, Path> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> children = Files.list(dir)) {
      children
          .filter(p -> p.getFileName().toString().startsWith("date="))
          .forEach(p -> out.put(LocalDate.parse(p.getFileName().toString().substring(5)), p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static LocalDate date(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC).toLocalDate();
  }
}
