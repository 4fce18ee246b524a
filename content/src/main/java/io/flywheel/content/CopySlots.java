package io.flywheel.content;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The facts a template may name, written for one locale: {@code {price}} is what the buyer pays
 * (after any discount), {@code {listPrice}} and {@code {discount}} exist only when the catalogue
 * states a discount, {@code {rankCategory}} only when Flywheel measured a bestseller rank. A
 * template that names a missing fact is not used, so no template can state what is not known.
 */
final class CopySlots {
  private static final Pattern SLOT = Pattern.compile("\\{([a-zA-Z]+)}");

  private final Map<String, String> values = new HashMap<>();

  CopySlots(ProductFacts facts, CopyLocale locale, ShopPolicy policy) {
    Vocabulary words = Vocabulary.standard();
    var product = facts.product();
    values.put("title", product.title());
    values.put("brand", product.brand());
    values.put("category", words.word("category", product.leafCategory(), locale));
    values.put("department", words.word("category", product.topCategory(), locale));
    String colour = product.attributes().get("colour");
    if (colour != null && !colour.isBlank()) {
      values.put("colour", words.word("colour", colour, locale));
    }
    values.put("price", money(facts.salePrice(), policy.currency(), locale));
    if (facts.discountPercent() > 0) {
      values.put("listPrice", money(product.price(), policy.currency(), locale));
      values.put("discount", Integer.toString(facts.discountPercent()));
    }
    facts
        .topSeller()
        .ifPresent(
            b -> {
              values.put("rankCategory", words.word("category", b.category(), locale));
              values.put("window", window(b.days(), locale));
            });
    if (policy.freeReturnDays() > 0) {
      values.put("returnDays", Integer.toString(policy.freeReturnDays()));
    }
    if (policy.deliveryDays() > 0) {
      values.put("deliveryDays", Integer.toString(policy.deliveryDays()));
    }
  }

  /** {@code template} with every slot filled, or empty when it names a fact not known. */
  Optional<String> fill(String template) {
    Matcher m = SLOT.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        return Optional.empty();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return Optional.of(capitaliseFirst(out.toString()));
  }

  boolean has(String slot) {
    return values.containsKey(slot);
  }

  static String money(double amount, String currency, CopyLocale locale) {
    String number = String.format(Locale.ROOT, "%.2f", amount);
    if (locale == CopyLocale.ZH_CN) {
      return switch (currency) {
        case "CNY" -> "¥" + number;
        case "EUR" -> number + "欧元";
        case "GBP" -> number + "英镑";
        default -> number + "美元";
      };
    }
    return switch (currency) {
      case "CNY" -> "¥" + number;
      case "EUR" -> "€" + number;
      case "GBP" -> "£" + number;
      default -> "$" + number;
    };
  }

  private static String window(int days, CopyLocale locale) {
    if (locale == CopyLocale.ZH_CN) {
      return days == 7 ? "本周" : days == 30 ? "本月" : "近" + days + "天";
    }
    return days == 7 ? "this week" : days == 30 ? "this month" : "in the last " + days + " days";
  }

  private static String capitaliseFirst(String text) {
    if (text.isEmpty() || !Character.isLowerCase(text.charAt(0))) {
      return text;
    }
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
