package io.flywheel.flink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines of an append-only file, read to its end and then as they are appended (like {@code tail
 * -f}), until cancelled. Only whole lines are emitted: a writer's half-written last line waits for
 * its newline. The byte offset is checkpointed, so a restored job neither skips nor repeats lines.
 * A file that shrinks was replaced, and is read again from its start.
 *
 * <p>Flink's {@code FileSource} watches a folder for new files but never re-reads a file that
 * grows, which is exactly what delivery's impression log does; hence this small source. It runs
 * with parallelism 1 (one file, one reader), as the replayed file does.
 */
@SuppressWarnings("deprecation") // the legacy source API: one reader, one offset, no splits
final class FollowedFileSource
    extends org.apache.flink.streaming.api.functions.source.RichSourceFunction<String>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(FollowedFileSource.class);
  private static final long POLL_MILLIS = 100;

  private final String file;
  private transient ListState<Long> offsetState;
  private transient long offset;
  private transient volatile boolean running;

  FollowedFileSource(String file) {
    this.file = file;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    offsetState =
        context
            .getOperatorStateStore()
            .getListState(new ListStateDescriptor<>("followed-file-offset", Long.class));
    offset = 0;
    for (Long restored : offsetState.get()) {
      offset = restored;
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    offsetState.update(java.util.List.of(offset));
  }

  @Override
  public void run(SourceContext<String> ctx) throws Exception {
    running = true;
    Path path = Path.of(file);
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    ByteArrayOutputStream partial = new ByteArrayOutputStream();
    while (running) {
      long size = size(path);
      if (size < offset) {
        LOG.warn(
            "{} shrank from {} to {} bytes: reading it again from the start", file, offset, size);
        synchronized (ctx.getCheckpointLock()) {
          offset = 0;
        }
        partial.reset();
      }
      if (size <= offset + partial.size()) {
        Thread.sleep(POLL_MILLIS);
        continue;
      }
      try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
        channel.position(offset + partial.size());
        while (running && channel.read(buffer) > 0) {
          buffer.flip();
          emitWholeLines(buffer, partial, ctx);
          buffer.clear();
        }
      }
    }
  }

  /** Emits each complete line in {@code bytes}; a trailing incomplete one stays in partial. */
  private void emitWholeLines(
      ByteBuffer bytes, ByteArrayOutputStream partial, SourceContext<String> ctx) {
    while (bytes.hasRemaining()) {
      byte b = bytes.get();
      if (b != '\n') {
        partial.write(b);
        continue;
      }
      byte[] raw = partial.toByteArray();
      int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
      String line = new String(raw, 0, length, StandardCharsets.UTF_8);
      synchronized (ctx.getCheckpointLock()) {
        ctx.collect(line);
        offset += raw.length + 1;
      }
      partial.reset();
    }
  }

  private static long size(Path path) throws IOException {
    try {
      return Files.size(path);
    } catch (NoSuchFileException notYet) {
      return 0; // the writer has not created it yet
    }
  }

  @Override
  public void cancel() {
    running = false;
  }
}
