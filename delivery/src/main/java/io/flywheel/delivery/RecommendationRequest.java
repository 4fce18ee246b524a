package io.flywheel.delivery;

import io.flywheel.content.CopyLocale;
import io.flywheel.core.InvalidRecordException;
import io.flywheel.core.ShopperSegment;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One page's ask: content for a shopper in a slot.
 *
 * @param query what the shopper typed (search slot), else null
 * @param locale the page's language; null: any
 * @param productId the product the page shows (product slot), else null
 * @param at when the page was viewed, epoch milliseconds (the server's clock unless the page says)
 * @param pool also answer with every candidate the items were chosen from (for evaluation)
 * @param segment the shopper's segment when the page knows it; null: delivery places the shopper
 *     from their features
 */
public record RecommendationRequest(
    String userId,
    Slot slot,
    int k,
    String query,
    CopyLocale locale,
    String productId,
    String sessionId,
    long at,
    boolean pool,
    ShopperSegment segment) {
  public static final int MAX_K = 50;
  public static final int DEFAULT_K = 10;
  public static final int MAX_QUERY_CHARS = 200;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}");

  public RecommendationRequest {
    requireId(userId, "userId");
    if (slot == null) {
      throw new InvalidRecordException("slot", "is required");
    }
    if (k < 1 || k > MAX_K) {
      throw new InvalidRecordException("k", "must be 1 to " + MAX_K + ", got " + k);
    }
    if (query != null && query.isBlank()) {
      query = null;
    }
    if (query != null && query.length() > MAX_QUERY_CHARS) {
      throw new InvalidRecordException(
          "q", "at most " + MAX_QUERY_CHARS + " characters, got " + query.length());
    }
    if (slot == Slot.SEARCH && query == null) {
      throw new InvalidRecordException("q", "is required for the search slot");
    }
    if (productId != null) {
      requireId(productId, "productId");
    }
    if (slot == Slot.PRODUCT && productId == null) {
      throw new InvalidRecordException("productId", "is required for the product slot");
    }
    if (sessionId != null) {
      requireId(sessionId, "sessionId");
    }
    if (at <= 0) {
      throw new InvalidRecordException("at", "must be a positive time, got " + at);
    }
  }

  /** A request that does not ask for the candidate pool. */
  public RecommendationRequest(
      String userId,
      Slot slot,
      int k,
      String query,
      CopyLocale locale,
      String productId,
      String sessionId,
      long at) {
    this(userId, slot, k, query, locale, productId, sessionId, at, false, null);
  }

  /**
   * A request from HTTP parameters ({@code userId, slot, k, q, locale, productId, sessionId, at,
   * pool, segment}); every bad value is an {@link InvalidRecordException} naming the parameter.
   */
  public static RecommendationRequest fromParameters(Map<String, String> p, Clock clock) {
    return new RecommendationRequest(
        p.get("userId"),
        Slot.parse(p.getOrDefault("slot", "home")),
        integer(p.get("k"), "k", DEFAULT_K),
        p.get("q"),
        locale(p.get("locale")),
        blankToNull(p.get("productId")),
        blankToNull(p.get("sessionId")),
        time(p.get("at"), clock),
        flag(p.get("pool"), "pool"),
        segment(p.get("segment")));
  }

  private static ShopperSegment segment(String text) {
    return text == null || text.isBlank() ? null : ShopperSegment.parse(text, "segment");
  }

  private static CopyLocale locale(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return CopyLocale.fromTag(text.trim(), "locale");
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException("locale", e.getMessage().replaceFirst("^locale: ", ""));
    }
  }

  private static void requireId(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new InvalidRecordException(field, "is required");
    }
    if (!ID.matcher(value).matches()) {
      throw new InvalidRecordException(
          field, "must be 1 to 128 letters, digits or _.:@- (starting with a letter or digit)");
    }
  }

  private static int integer(String text, String field, int fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new InvalidRecordException(field, "must be a whole number, got '" + text + "'");
    }
  }

  /** ISO-8601 instant or epoch milliseconds. */
  private static long time(String text, Clock clock) {
    if (text == null || text.isBlank()) {
      return clock.millis();
    }
    String t = text.trim();
    try {
      return t.chars().allMatch(Character::isDigit)
          ? Long.parseLong(t)
          : Instant.parse(t).toEpochMilli();
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new InvalidRecordException(
          "at", "must be an ISO-8601 instant or epoch milliseconds, got '" + text + "'");
    }
  }

  private static boolean flag(String text, String field) {
    if (text == null || text.isBlank() || text.equalsIgnoreCase("false")) {
      return false;
    }
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    throw new InvalidRecordException(field, "must be true or false, got '" + text + "'");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
