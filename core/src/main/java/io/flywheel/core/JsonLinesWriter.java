package io.flywheel.core;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Streams records to a JSON-lines file through one buffered Jackson generator. */
public final class JsonLinesWriter<T> implements Closeable {
  private final Path path;
  private final RecordCodec<T> codec;
  private final JsonGenerator out;
  private long lines;

  private JsonLinesWriter(Path path, RecordCodec<T> codec) throws IOException {
    this.path = path;
    this.codec = codec;
    this.out =
        Codecs.MAPPER
            .getFactory()
            .createGenerator(new BufferedOutputStream(Files.newOutputStream(path), 1 << 20));
    // Lines are separated by our own '\n', not Jackson's default space between root values.
    this.out.setRootValueSeparator(null);
  }

  public static <T> JsonLinesWriter<T> create(Path path, RecordCodec<T> codec) throws IOException {
    return new JsonLinesWriter<>(path, codec);
  }

  public void write(T record) {
    try {
      codec.encode(record, out);
      out.writeRaw('\n');
      lines++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  /** Writes a line as given, for replaying or deliberately corrupting data. */
  public void writeRawLine(String line) {
    try {
      out.writeRaw(line);
      out.writeRaw('\n');
      lines++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  public long lines() {
    return lines;
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
