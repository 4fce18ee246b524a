package io.flywheel.content;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether copy reads easily: Flesch reading ease for English (words per sentence and syllables per
 * word), characters per sentence for Chinese. Only long texts are judged; a hard one goes to
 * review, never straight to rejection.
 */
final class Readability {
  static final double MIN_FLESCH = 30;
  static final int MAX_ZH_SENTENCE = 60;
  private static final Pattern SENTENCE_END = Pattern.compile("[.!?。！？]+");
  private static final Pattern VOWELS = Pattern.compile("[aeiouy]+");

  private Readability() {}

  static Optional<String> problem(String text, CopyLocale locale) {
    if (locale == CopyLocale.ZH_CN) {
      String[] sentences = SENTENCE_END.split(text.strip());
      int longest = 0;
      for (String s : sentences) {
        longest = Math.max(longest, s.strip().codePointCount(0, s.strip().length()));
      }
      return longest > MAX_ZH_SENTENCE
          ? Optional.of("a sentence of " + longest + " characters (over " + MAX_ZH_SENTENCE + ")")
          : Optional.empty();
    }
    String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}']+");
    int wordCount = 0;
    int syllables = 0;
    for (String w : words) {
      if (!w.isEmpty()) {
        wordCount++;
        syllables += syllables(w);
      }
    }
    if (wordCount < 20) {
      return Optional.empty();
    }
    long sentences = Math.max(1, SENTENCE_END.matcher(text).results().count());
    double flesch =
        206.835 - 1.015 * wordCount / (double) sentences - 84.6 * syllables / (double) wordCount;
    return flesch < MIN_FLESCH
        ? Optional.of(
            String.format(Locale.ROOT, "Flesch reading ease %.0f (under %.0f)", flesch, MIN_FLESCH))
        : Optional.empty();
  }

  static int syllables(String word) {
    String w = word.replace("'", "");
    if (w.length() <= 3) {
      return 1;
    }
    if (w.endsWith("e") && !w.endsWith("le")) {
      w = w.substring(0, w.length() - 1);
    }
    return (int) Math.max(1, VOWELS.matcher(w).results().count());
  }
}
