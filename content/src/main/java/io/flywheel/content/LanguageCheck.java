package io.flywheel.content;

import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text is in the item's locale's language (Lingua, a statistical detector), judged on the words
 * the copy itself wrote: product names and brands, often Latin in Chinese copy, are masked first. A
 * clear other language rejects; an unclear result asks for review.
 */
final class LanguageCheck {
  private static final Language[] CANDIDATES = {
    Language.ENGLISH,
    Language.CHINESE,
    Language.JAPANESE,
    Language.KOREAN,
    Language.FRENCH,
    Language.GERMAN,
    Language.SPANISH,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.DUTCH
  };
  private static final double CLEAR = 0.6;

  // Built once per JVM: loading the language models is the slow part.
  private static volatile LanguageDetector detector;

  private LanguageCheck() {}

  static List<CheckFinding> check(String text, CopyLocale locale) {
    List<CheckFinding> out = new ArrayList<>();
    String letters = text.replaceAll("[\\p{P}\\p{S}\\p{N}\\s]+", " ").strip();
    if (letters.codePointCount(0, letters.length()) < 3) {
      return out;
    }
    Language expected = locale == CopyLocale.ZH_CN ? Language.CHINESE : Language.ENGLISH;
    // Script first: Chinese copy is mostly Han characters, English copy has none.
    long han = letters.codePoints().filter(c -> CopyLimits.isWide(c)).count();
    long latin = letters.codePoints().filter(c -> c < 0x250 && Character.isLetter(c)).count();
    if (locale == CopyLocale.ZH_CN && han == 0) {
      out.add(CheckFinding.reject("wrong_language", "body", "no Chinese characters in zh-CN copy"));
      return out;
    }
    if (locale == CopyLocale.EN_US && han > latin) {
      out.add(CheckFinding.reject("wrong_language", "body", "mostly CJK characters in en-US copy"));
      return out;
    }
    Map<Language, Double> confidence = detector().computeLanguageConfidenceValues(letters);
    Map.Entry<Language, Double> top =
        confidence.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
    double expectedConfidence = confidence.getOrDefault(expected, 0.0);
    if (top != null && top.getKey() != expected && top.getValue() >= CLEAR) {
      out.add(
          CheckFinding.reject(
              "wrong_language",
              "body",
              String.format(
                  Locale.ROOT,
                  "reads as %s (%.2f), not %s",
                  top.getKey().name().toLowerCase(Locale.ROOT),
                  top.getValue(),
                  locale.tag())));
    } else if (top != null && top.getKey() != expected && expectedConfidence < 0.3) {
      out.add(
          CheckFinding.review(
              "language_uncertain",
              "body",
              String.format(
                  Locale.ROOT,
                  "%s only %.2f; %s %.2f",
                  locale.tag(),
                  expectedConfidence,
                  top.getKey().name().toLowerCase(Locale.ROOT),
                  top.getValue())));
    }
    return out;
  }

  static LanguageDetector detector() {
    LanguageDetector d = detector;
    if (d == null) {
      synchronized (LanguageCheck.class) {
        d = detector;
        if (d == null) {
          d = LanguageDetectorBuilder.fromLanguages(CANDIDATES).build();
          detector = d;
        }
      }
    }
    return d;
  }
}
