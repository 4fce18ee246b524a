package io.flywheel.content;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Text analysis done in Flywheel, not in Elasticsearch: the Maven-distributed node has no language
 * analysers, so documents and queries are analysed here (Lucene's English stemmer; SmartCN's
 * Chinese word segmentation) and indexed into whitespace-analysed fields. Both sides use the same
 * analysers, so a query matches as it would against a full node's analyser.
 */
final class TextAnalysis {
  private static final Analyzer ENGLISH = new EnglishAnalyzer();
  private static final Analyzer CHINESE = new SmartChineseAnalyzer();

  private TextAnalysis() {}

  /** The terms of {@code text} in {@code locale}'s analysis, joined by spaces. */
  static String terms(String text, CopyLocale locale) {
    Analyzer analyzer = locale == CopyLocale.ZH_CN ? CHINESE : ENGLISH;
    StringBuilder out = new StringBuilder();
    try (TokenStream ts = analyzer.tokenStream("f", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        if (out.length() > 0) {
          out.append(' ');
        }
        out.append(term);
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }

  /** The locale a query is written in: Chinese when it has any Han character. */
  static CopyLocale localeOf(String query) {
    return query
            .codePoints()
            .anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)
        ? CopyLocale.ZH_CN
        : CopyLocale.EN_US;
  }

  /**
   * The Chinese words for what a product is, from the glossary: its categories, colour and the
   * glossary terms its (English) title contains, so a Chinese query finds an English-titled
   * product.
   */
  /**
   * The English words a Chinese query's catalogue words stand for (categories, colours, kinds of
   * thing), with its Latin words (brands) kept: what an English-only embedding model can read.
   * Empty when the query names none of them.
   */
  static String englishGlossOf(String query) {
    Vocabulary words = Vocabulary.standard();
    StringBuilder gloss = new StringBuilder();
    String rest = query;
    for (String kind : new String[] {"category", "term", "colour"}) {
      List<Map.Entry<String, String>> byLength =
          new ArrayList<>(words.wordsOf(kind, CopyLocale.ZH_CN).entrySet());
      byLength.sort((a, b) -> b.getKey().length() - a.getKey().length());
      for (Map.Entry<String, String> word : byLength) {
        if (!word.getKey().isBlank() && rest.contains(word.getKey())) {
          gloss.append(words.word(kind, word.getValue(), CopyLocale.EN_US)).append(' ');
          rest = rest.replace(word.getKey(), " ");
        }
      }
    }
    if (gloss.length() == 0) {
      return "";
    }
    for (String token : rest.split("[^A-Za-z0-9]+")) {
      if (!token.isBlank()) {
        gloss.append(token).append(' ');
      }
    }
    return gloss.toString().strip();
  }

  static String chineseGlossOf(io.flywheel.core.Product product) {
    Vocabulary words = Vocabulary.standard();
    StringBuilder gloss = new StringBuilder();
    for (String category : product.categoryPath()) {
      gloss.append(words.word("category", category, CopyLocale.ZH_CN)).append(' ');
    }
    String colour = product.attributes().get("colour");
    if (colour != null) {
      gloss.append(words.word("colour", colour, CopyLocale.ZH_CN)).append(' ');
    }
    String title = product.title().toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> term : words.wordsOf("term", CopyLocale.EN_US).entrySet()) {
      if (FactCheck.containsWord(title, term.getKey())) {
        gloss.append(words.word("term", term.getValue(), CopyLocale.ZH_CN)).append(' ');
      }
    }
    return gloss.toString().strip();
  }
}
