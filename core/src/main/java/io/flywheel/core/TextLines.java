package io.flywheel.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The lines of a UTF-8 text file, read one at a time and decoded strictly, so that binary data or
 * another encoding is reported as a bad line with its number and the byte where decoding failed,
 * instead of ending the whole read with a bare {@code MalformedInputException} ("Input length =
 * 1"). A line longer than {@link #MAX_LINE_BYTES} is a bad line too: a file without line breaks is
 * never read into memory whole.
 */
public final class TextLines implements Closeable {
  /** Longer than any record Flywheel writes by orders of magnitude. */
  public static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

  /**
   * One line, without its line break.
   *
   * @param number 1-based line number
   * @param text the line; where it is not valid UTF-8, decoded with replacement characters
   * @param problem why the line is not text (null when it is)
   */
  public record Line(long number, String text, String problem) {
    public boolean isText() {
      return problem == null;
    }
  }

  private final InputStream in;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  // Read-ahead from the file (the stream is read in chunks, never byte by byte).
  private final byte[] chunk = new byte[1 << 16];
  private int chunkPos;
  private int chunkEnd;
  private boolean endOfFile;
  // The line being assembled.
  private byte[] buffer = new byte[8192];
  private long number;

  private TextLines(InputStream in) {
    this.in = in;
  }

  public static TextLines open(Path path) throws IOException {
    return new TextLines(Files.newInputStream(path));
  }

  /** The next line, or {@code null} at the end of the file. */
  public Line next() throws IOException {
    int length = 0;
    boolean tooLong = false;
    boolean sawBreak = false;
    while (!sawBreak) {
      if (chunkPos == chunkEnd && !fill()) {
        break;
      }
      int end = chunkPos;
      while (end < chunkEnd && chunk[end] != '\n') {
        end++;
      }
      int n = end - chunkPos;
      if (tooLong || length + n > MAX_LINE_BYTES) {
        tooLong = true;
      } else {
        if (length + n > buffer.length) {
          buffer =
              Arrays.copyOf(
                  buffer, Math.min(MAX_LINE_BYTES, Math.max(length + n, buffer.length * 2)));
        }
        System.arraycopy(chunk, chunkPos, buffer, length, n);
        length += n;
      }
      sawBreak = end < chunkEnd;
      chunkPos = sawBreak ? end + 1 : end;
    }
    if (!sawBreak && length == 0 && !tooLong) {
      return null;
    }
    number++;
    if (tooLong) {
      return new Line(
          number, "", "line longer than " + (MAX_LINE_BYTES >> 20) + " MiB (binary data?)");
    }
    if (length > 0 && buffer[length - 1] == '\r') {
      length--;
    }
    return decode(length);
  }

  private boolean fill() throws IOException {
    if (endOfFile) {
      return false;
    }
    int read = in.readNBytes(chunk, 0, chunk.length);
    chunkPos = 0;
    chunkEnd = read;
    endOfFile = read < chunk.length;
    return read > 0;
  }

  private Line decode(int length) {
    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, length);
    CharBuffer chars = CharBuffer.allocate(length);
    decoder.reset();
    CoderResult result = decoder.decode(bytes, chars, true);
    if (result.isError()) {
      String lossy = new String(buffer, 0, length, StandardCharsets.UTF_8);
      return new Line(
          number,
          lossy,
          "not UTF-8 text (invalid byte 0x"
              + String.format("%02X", buffer[bytes.position()] & 0xFF)
              + " at byte "
              + (bytes.position() + 1)
              + " of the line)");
    }
    decoder.flush(chars);
    chars.flip();
    String text = chars.toString();
    if (text.indexOf('\0') >= 0) {
      return new Line(number, text, "binary data (a NUL byte) in the line");
    }
    return new Line(number, text, null);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
