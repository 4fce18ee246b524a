package io.flywheel.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Streams records from a JSON-lines file, one line at a time (memory does not grow with the file).
 * Lines that break the contract (including lines that are not UTF-8 text) go to the {@link
 * BadRecordHandler}: fail fast, or a {@link DeadLetterFile} and carry on. Blank lines hold no
 * record and are skipped.
 */
public final class JsonLinesReader<T> implements Closeable {
  private final String source;
  private final TextLines in;
  private final RecordCodec<T> codec;
  private final BadRecordHandler onBad;
  private long lineNumber;
  private long accepted;
  private long rejected;

  private JsonLinesReader(Path path, RecordCodec<T> codec, BadRecordHandler onBad)
      throws IOException {
    this.source = path.toString();
    this.in = TextLines.open(path);
    this.codec = codec;
    this.onBad = onBad;
  }

  public static <T> JsonLinesReader<T> open(Path path, RecordCodec<T> codec, BadRecordHandler onBad)
      throws IOException {
    return new JsonLinesReader<>(path, codec, onBad);
  }

  /** Reads every remaining line; fails fast on the first bad one. */
  public static <T> void forEach(Path path, RecordCodec<T> codec, Consumer<? super T> action)
      throws IOException {
    try (JsonLinesReader<T> reader = open(path, codec, BadRecordHandler.failFast())) {
      reader.forEachRemaining(action);
    }
  }

  /** The next good record, or {@code null} at the end of the file. */
  public T next() {
    try {
      TextLines.Line line;
      while ((line = in.next()) != null) {
        lineNumber = line.number();
        if (!line.isText()) {
          rejected++;
          onBad.onBadRecord(new BadRecord(source, lineNumber, "line", line.problem(), line.text()));
          continue;
        }
        if (line.text().isBlank()) {
          continue;
        }
        try {
          T record = Codecs.decodeLine(codec, line.text());
          accepted++;
          return record;
        } catch (InvalidRecordException e) {
          rejected++;
          onBad.onBadRecord(new BadRecord(source, lineNumber, e.field(), e.reason(), line.text()));
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source, e);
    }
  }

  public void forEachRemaining(Consumer<? super T> action) {
    T record;
    while ((record = next()) != null) {
      action.accept(record);
    }
  }

  public long lineNumber() {
    return lineNumber;
  }

  public long accepted() {
    return accepted;
  }

  public long rejected() {
    return rejected;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
