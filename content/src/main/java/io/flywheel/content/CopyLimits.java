package io.flywheel.content;

import io.flywheel.core.ContentKind;

/**
 * How long a title and a body of each kind may be, in display width: a CJK character counts two, as
 * ad platforms and search result snippets count it.
 */
public record CopyLimits(int titleMax, int bodyMax) {
  public static CopyLimits of(ContentKind kind) {
    return switch (kind) {
      case AD_COPY -> new CopyLimits(30, 90);
      case BANNER_TEXT -> new CopyLimits(40, 80);
      case EMAIL -> new CopyLimits(60, 1500);
      case SEO_DESCRIPTION -> new CopyLimits(60, 160);
      case PRODUCT_DESCRIPTION -> new CopyLimits(150, 1200);
      case ARTICLE -> new CopyLimits(200, 20_000);
    };
  }

  /** Display width of {@code text}: wide (CJK, full-width) characters count two. */
  public static int width(String text) {
    int width = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      width += isWide(cp) ? 2 : 1;
      i += Character.charCount(cp);
    }
    return width;
  }

  static boolean isWide(int cp) {
    Character.UnicodeScript script = Character.UnicodeScript.of(cp);
    return script == Character.UnicodeScript.HAN
        || script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA
        || script == Character.UnicodeScript.HANGUL
        || (cp >= 0x3000 && cp <= 0x303F)
        || (cp >= 0xFF00 && cp <= 0xFF60);
  }
}
