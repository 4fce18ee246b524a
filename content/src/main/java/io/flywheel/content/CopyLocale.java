package io.flywheel.content;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The locales Flywheel writes, checks and searches copy in. */
public enum CopyLocale {
  EN_US("en-US"),
  ZH_CN("zh-CN");

  private final String tag;

  CopyLocale(String tag) {
    this.tag = tag;
  }

  /** The BCP 47 tag content items carry. */
  public String tag() {
    return tag;
  }

  /** How copy in this locale names a catalogue category (as the catalogue does when unknown). */
  public String categoryName(String category) {
    return Vocabulary.standard().word("category", category, this);
  }

  /** The locale {@code tag} names; fails naming {@code field} and the tags known. */
  public static CopyLocale fromTag(String tag, String field) {
    for (CopyLocale locale : values()) {
      if (locale.tag.equalsIgnoreCase(tag)) {
        return locale;
      }
    }
    throw new IllegalArgumentException(
        field
            + ": unsupported locale '"
            + tag
            + "' (expected "
            + Arrays.stream(values()).map(CopyLocale::tag).collect(Collectors.joining(", "))
            + ")");
  }
}
