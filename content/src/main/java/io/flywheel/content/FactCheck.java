package io.flywheel.content;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds every fact in a text to the catalogue: each amount of money is the price the buyer pays or
 * the list price it was cut from, each percentage the catalogue's discount (also written as 折 in
 * Chinese), each other number one the facts or the shop's policy state; no other brand is named,
 * and no colour the product does not come in. Numbers are parsed, never compared as strings.
 */
final class FactCheck {
  private static final double CENT = 0.005;
  private static final String AMOUNT = "(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?)";
  private static final Pattern MONEY_BEFORE =
      Pattern.compile("(?:US\\$|\\$|¥|￥|€|£|RMB\\s?|CNY\\s?|USD\\s?)\\s?" + AMOUNT);
  private static final Pattern MONEY_AFTER =
      Pattern.compile(
          AMOUNT + "\\s?(?:美元|元|块钱|块|欧元|英镑|dollars?\\b|bucks\\b|USD\\b|RMB\\b|CNY\\b)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern PERCENT =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s?(?:%|％|percent\\b|per cent\\b)");
  private static final Pattern ZHE = Pattern.compile("(\\d(?:\\.\\d)?)\\s?折");
  private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");

  private final CatalogFacts catalog;
  private final ShopPolicy policy;

  FactCheck(CatalogFacts catalog, ShopPolicy policy) {
    this.catalog = catalog;
    this.policy = policy;
  }

  List<CheckFinding> check(String field, String text, ProductFacts facts) {
    List<CheckFinding> findings = new ArrayList<>();
    var product = facts.product();
    // The product's own names may hold digits ("K42") and colour words: they are not claims.
    String named = mask(mask(text, product.title()), product.brand());
    String rest = named;
    for (String value : product.attributes().values()) {
      if (!value.isBlank() && !value.chars().allMatch(Character::isDigit)) {
        rest = mask(rest, value);
      }
    }
    Set<Double> allowed = allowedNumbers(facts);

    StringBuilder scratch = new StringBuilder(rest);
    for (Pattern money : List.of(MONEY_BEFORE, MONEY_AFTER)) {
      Matcher m = money.matcher(scratch);
      List<int[]> spans = new ArrayList<>();
      while (m.find()) {
        double amount = parse(m.group(1));
        boolean isSale = Math.abs(amount - facts.salePrice()) < CENT;
        boolean isList = facts.discountPercent() > 0 && Math.abs(amount - product.price()) < CENT;
        if (!isSale && !isList) {
          findings.add(
              CheckFinding.reject(
                  "price_mismatch",
                  field,
                  String.format(
                      Locale.ROOT,
                      "'%s' is not the price (%.2f%s)",
                      m.group().strip(),
                      facts.salePrice(),
                      facts.discountPercent() > 0
                          ? String.format(Locale.ROOT, ", list %.2f", product.price())
                          : "")));
        }
        spans.add(new int[] {m.start(), m.end()});
      }
      blank(scratch, spans);
    }
    Matcher pm = PERCENT.matcher(scratch);
    List<int[]> spans = new ArrayList<>();
    while (pm.find()) {
      double percent = parse(pm.group(1));
      if (Math.abs(percent - facts.discountPercent()) > 1e-9 || facts.discountPercent() == 0) {
        findings.add(
            CheckFinding.reject(
                "discount_mismatch",
                field,
                "'"
                    + pm.group().strip()
                    + "' but the catalogue's discount is "
                    + facts.discountPercent()
                    + "%"));
      }
      spans.add(new int[] {pm.start(), pm.end()});
    }
    Matcher zm = ZHE.matcher(scratch);
    while (zm.find()) {
      double off = 100 - parse(zm.group(1)) * 10;
      if (Math.abs(off - facts.discountPercent()) > 1e-9 || facts.discountPercent() == 0) {
        findings.add(
            CheckFinding.reject(
                "discount_mismatch",
                field,
                "'"
                    + zm.group()
                    + "' means "
                    + Math.round(off)
                    + "% off but the catalogue's discount is "
                    + facts.discountPercent()
                    + "%"));
      }
      spans.add(new int[] {zm.start(), zm.end()});
    }
    blank(scratch, spans);
    Matcher nm = NUMBER.matcher(scratch);
    while (nm.find()) {
      double n = parse(nm.group());
      if (!allowed.contains(n)) {
        findings.add(
            CheckFinding.reject(
                "unsupported_number",
                field,
                "'" + nm.group() + "' is not a number the catalogue or the shop's policy states"));
      }
    }
    findings.addAll(otherBrands(field, rest, product.brand()));
    findings.addAll(otherColours(field, named, product.attributes()));
    return findings;
  }

  private Set<Double> allowedNumbers(ProductFacts facts) {
    Set<Double> allowed = new HashSet<>();
    if (facts.discountPercent() > 0) {
      allowed.add((double) facts.discountPercent());
    }
    if (policy.freeReturnDays() > 0) {
      allowed.add((double) policy.freeReturnDays());
    }
    if (policy.deliveryDays() > 0) {
      allowed.add((double) policy.deliveryDays());
    }
    facts
        .topSeller()
        .ifPresent(
            b -> {
              allowed.add((double) b.rank());
              allowed.add((double) b.purchases());
              allowed.add((double) b.days());
            });
    for (String value : facts.product().attributes().values()) {
      Matcher m = NUMBER.matcher(value);
      while (m.find()) {
        allowed.add(parse(m.group()));
      }
    }
    return allowed;
  }

  private List<CheckFinding> otherBrands(String field, String text, String own) {
    List<CheckFinding> out = new ArrayList<>();
    for (String brand : catalog.brands()) {
      if (!brand.equalsIgnoreCase(own) && containsWord(text, brand)) {
        out.add(
            CheckFinding.reject(
                "brand_mismatch", field, "names " + brand + " but the product is by " + own));
      }
    }
    return out;
  }

  private static List<CheckFinding> otherColours(
      String field, String text, Map<String, String> attributes) {
    String colour = attributes.get("colour");
    String rest = text;
    Vocabulary words = Vocabulary.standard();
    if (colour != null) {
      for (CopyLocale locale : CopyLocale.values()) {
        rest = mask(rest, words.word("colour", colour, locale));
      }
    }
    List<CheckFinding> out = new ArrayList<>();
    for (CopyLocale locale : CopyLocale.values()) {
      for (Map.Entry<String, String> word : words.wordsOf("colour", locale).entrySet()) {
        if (containsWord(rest, word.getKey())) {
          out.add(
              CheckFinding.reject(
                  "attribute_mismatch",
                  field,
                  "says '"
                      + word.getKey()
                      + "' but the product's colour is "
                      + (colour == null ? "not stated" : colour)));
          return out;
        }
      }
    }
    return out;
  }

  static boolean containsWord(String text, String word) {
    if (word.codePoints().anyMatch(c -> c >= 0x2E80)) {
      return text.contains(word);
    }
    return Pattern.compile(
            "(?<![\\p{L}\\p{N}])" + Pattern.quote(word) + "(?![\\p{L}\\p{N}])",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
        .matcher(text)
        .find();
  }

  /** {@code text} with each occurrence of {@code phrase} (any case) replaced by spaces. */
  static String mask(String text, String phrase) {
    if (phrase == null || phrase.isBlank()) {
      return text;
    }
    Matcher m =
        Pattern.compile(Pattern.quote(phrase), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
            .matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, " ".repeat(m.group().length()));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static void blank(StringBuilder text, List<int[]> spans) {
    for (int[] span : spans) {
      for (int i = span[0]; i < span[1]; i++) {
        text.setCharAt(i, ' ');
      }
    }
  }

  private static double parse(String number) {
    return Double.parseDouble(number.replace(",", ""));
  }
}
