package io.flywheel.core;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Routes bad lines to a JSON-lines file, one object per rejected line with its source, line number,
 * field, reason and raw text, and counts them. The read goes on.
 */
public final class DeadLetterFile implements BadRecordHandler, Closeable {
  private final Path path;
  private final JsonGenerator out;
  private long count;

  public DeadLetterFile(Path path) throws IOException {
    this.path = path;
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.out =
        Codecs.MAPPER
            .getFactory()
            .createGenerator(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16));
    this.out.setRootValueSeparator(null);
  }

  @Override
  public void onBadRecord(BadRecord bad) {
    try {
      out.writeStartObject();
      out.writeStringField("source", bad.source());
      out.writeNumberField("line", bad.lineNumber());
      out.writeStringField("field", bad.field());
      out.writeStringField("reason", bad.reason());
      out.writeStringField("raw", bad.raw());
      out.writeEndObject();
      out.writeRaw('\n');
      count++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write dead letter to " + path, e);
    }
  }

  public long count() {
    return count;
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
