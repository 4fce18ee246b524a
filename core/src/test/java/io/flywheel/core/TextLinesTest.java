package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextLinesTest {
  @TempDir Path dir;

  private List<TextLines.Line> read(byte[] bytes) throws IOException {
    Path file = Files.write(dir.resolve("f.txt"), bytes);
    List<TextLines.Line> lines = new ArrayList<>();
    try (TextLines in = TextLines.open(file)) {
      TextLines.Line line;
      while ((line = in.next()) != null) {
        lines.add(line);
      }
    }
    return lines;
  }

  @Test
  void textLinesKeepTheirNumbersAndLoseTheirBreaks() throws IOException {
    List<TextLines.Line> lines = read("a\r\n\nçé ✓\nlast".getBytes(StandardCharsets.UTF_8));
    assertThat(lines).extracting(TextLines.Line::text).containsExactly("a", "", "çé ✓", "last");
    assertThat(lines).extracting(TextLines.Line::number).containsExactly(1L, 2L, 3L, 4L);
    assertThat(lines).allMatch(TextLines.Line::isText);
    assertThat(read(new byte[0])).isEmpty();
    assertThat(read("one\n".getBytes(StandardCharsets.UTF_8))).hasSize(1);
  }

  @Test
  void bytesThatAreNotUtf8MakeOneBadLineWithThePlaceAndTheRestIsRead() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("good\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(new byte[] {'a', 'b', (byte) 0xC3, '(', '\n'}); // a broken 2-byte sequence
    bytes.writeBytes(new byte[] {'x', 0, 'y', '\n'});
    bytes.writeBytes("fine\n".getBytes(StandardCharsets.UTF_8));
    List<TextLines.Line> lines = read(bytes.toByteArray());
    assertThat(lines).hasSize(4);
    assertThat(lines.get(1).isText()).isFalse();
    assertThat(lines.get(1).problem()).contains("not UTF-8", "0xC3", "byte 3");
    assertThat(lines.get(2).problem()).contains("NUL");
    assertThat(lines.get(3).text()).isEqualTo("fine");
    assertThat(lines.get(3).number()).isEqualTo(4);
  }

  @Test
  void aLineLongerThanTheLimitIsReportedWithoutHoldingIt() throws IOException {
    byte[] huge = new byte[TextLines.MAX_LINE_BYTES + 100_000];
    java.util.Arrays.fill(huge, (byte) 'z');
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(huge);
    bytes.writeBytes("\nafter\n".getBytes(StandardCharsets.UTF_8));
    List<TextLines.Line> lines = read(bytes.toByteArray());
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).problem()).contains("longer than 16 MiB");
    assertThat(lines.get(1).text()).isEqualTo("after");
  }
}
