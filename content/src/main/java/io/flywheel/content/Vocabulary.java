package io.flywheel.content;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The words copy uses for catalogue values (colours, categories) in each locale, and the way back
 * from a word in the text to the catalogue value it names, so the checks can hold a colour written
 * in either language to the product's attribute.
 */
final class Vocabulary {
  private static final Vocabulary STANDARD = load();

  // kind -> catalogue value (lower case) -> [en-US, zh-CN]
  private final Map<String, Map<String, String[]>> words;

  private Vocabulary(Map<String, Map<String, String[]>> words) {
    this.words = words;
  }

  static Vocabulary standard() {
    return STANDARD;
  }

  /** How {@code locale} writes catalogue {@code value} of {@code kind} (as given when unknown). */
  String word(String kind, String value, CopyLocale locale) {
    String[] row = words.getOrDefault(kind, Map.of()).get(value.toLowerCase(Locale.ROOT));
    return row == null ? value : row[locale.ordinal()];
  }

  /** Every word of {@code kind} in {@code locale}, to the catalogue value it stands for. */
  Map<String, String> wordsOf(String kind, CopyLocale locale) {
    Map<String, String> out = new LinkedHashMap<>();
    words
        .getOrDefault(kind, Map.of())
        .forEach((value, row) -> out.put(row[locale.ordinal()], value));
    return out;
  }

  private static Vocabulary load() {
    Map<String, Map<String, String[]>> words = new HashMap<>();
    try (InputStream in = Vocabulary.class.getResourceAsStream("vocabulary.tsv");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        words
            .computeIfAbsent(f[0], k -> new LinkedHashMap<>())
            .put(f[1].toLowerCase(Locale.ROOT), new String[] {f[2], f[3]});
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Vocabulary(words);
  }
}
