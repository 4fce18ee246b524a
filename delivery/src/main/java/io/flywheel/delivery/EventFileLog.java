package io.flywheel.delivery;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends events to a JSON-lines file. Each call's lines are encoded first and written with one
 * append, so a crash never leaves half a response's impressions, and readers tailing the file see
 * whole lines.
 */
final class EventFileLog implements ImpressionLog {
  private final Path file;
  private final FileChannel channel;
  private final AtomicLong appended = new AtomicLong();

  EventFileLog(Path file) throws IOException {
    this.file = file;
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Override
  public void append(List<Event> events) throws IOException {
    if (events.isEmpty()) {
      return;
    }
    byte[] bytes = encode(events);
    synchronized (this) {
      var buffer = java.nio.ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
    appended.addAndGet(events.size());
  }

  static byte[] encode(List<Event> events) {
    StringBuilder text = new StringBuilder(events.size() * 320);
    for (Event event : events) {
      text.append(Codecs.encodeLine(Codecs.EVENTS, event)).append('\n');
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public long appended() {
    return appended.get();
  }

  @Override
  public String describe() {
    return "file:" + file.toAbsolutePath();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
