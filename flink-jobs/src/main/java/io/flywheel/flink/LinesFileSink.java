package io.flywheel.flink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

/** Appends text lines (dead letters, late events) to one file per parallel writer. */
final class LinesFileSink implements Sink<String> {
  private static final long serialVersionUID = 1L;
  private final String dir;
  private final String prefix;

  LinesFileSink(String dir, String prefix) {
    this.dir = dir;
    this.prefix = prefix;
  }

  @Override
  @SuppressWarnings("deprecation")
  public SinkWriter<String> createWriter(InitContext context) throws IOException {
    Path folder = Path.of(dir);
    Files.createDirectories(folder);
    BufferedWriter out =
        Files.newBufferedWriter(
            folder.resolve(prefix + "-" + context.getSubtaskId() + ".jsonl"),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
    return new SinkWriter<>() {
      @Override
      public void write(String line, Context context) throws IOException {
        out.write(line);
        out.newLine();
      }

      @Override
      public void flush(boolean endOfInput) throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }
}
