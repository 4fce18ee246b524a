package io.flywheel.core;

import static io.flywheel.core.InvalidRecordException.require;
import static io.flywheel.core.InvalidRecordException.requireText;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One thing a shopper did, as the behaviour stream carries it.
 *
 * <p>Clicks, carts and purchases that follow an impression carry its {@code requestId} and {@code
 * contentId}, as a tracking link would; an organic purchase carries neither. Fields this version of
 * Flywheel does not know are kept in {@code extra} and written back unchanged.
 *
 * @param sessionId the shopper's visit, when the source knows it (not in the original contract; the
 *     co-visitation job groups by it)
 * @param propensity probability the serving policy gave the shown item (impressions only), for
 *     off-policy evaluation
 * @param timestamp event time, epoch milliseconds
 * @param query what the shopper typed (searches only; absent from older lines)
 * @param receivedAt when the platform received it, epoch milliseconds
 * @param extra fields this version does not know, in the line's order: written back after the known
 *     ones ({@link JsonAnyGetter}); gathered by the codec, never bound from a field that happens to
 *     be named "extra" ({@link JsonIgnore})
 */
public record Event(
    String eventId,
    EventType type,
    String userId,
    String productId,
    String contentId,
    String requestId,
    String sessionId,
    Integer position,
    Double propensity,
    String campaignId,
    String experimentId,
    String arm,
    String variantId,
    Double price,
    Integer quantity,
    String query,
    long timestamp,
    long receivedAt,
    @JsonAnyGetter @JsonIgnore Map<String, Object> extra) {

  public Event {
    requireText(eventId, "eventId");
    require(type != null, "type", "is required");
    requireText(userId, "userId");
    require(
        timestamp > 0, "timestamp", "must be a positive epoch-millisecond time, got ", timestamp);
    require(
        receivedAt > 0,
        "receivedAt",
        "must be a positive epoch-millisecond time, got ",
        receivedAt);
    require(position == null || position >= 0, "position", "must be >= 0, got ", position);
    require(
        propensity == null || (propensity > 0 && propensity <= 1),
        "propensity",
        "must be in (0, 1], got ",
        propensity);
    require(
        price == null || (price >= 0 && Double.isFinite(price)),
        "price",
        "must be a finite number >= 0, got ",
        price);
    require(quantity == null || quantity >= 1, "quantity", "must be >= 1, got ", quantity);
    switch (type) {
      case IMPRESSION -> {
        requireText(contentId, "contentId");
        requireText(requestId, "requestId");
      }
      case CLICK ->
          require(
              productId != null || contentId != null,
              "productId",
              "a click needs productId or contentId");
      case ADD_TO_CART -> requireText(productId, "productId");
      case PURCHASE -> {
        requireText(productId, "productId");
        require(price != null, "price", "is required on a purchase");
      }
      case SEARCH -> requireText(query, "query");
      case COMPLAINT ->
          require(
              productId != null || contentId != null,
              "contentId",
              "a complaint needs contentId or productId");
      default -> throw new IllegalStateException("unhandled type " + type);
    }
    extra =
        extra == null || extra.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /** Every event but a search, as it was before searches had a query. */
  public Event(
      String eventId,
      EventType type,
      String userId,
      String productId,
      String contentId,
      String requestId,
      String sessionId,
      Integer position,
      Double propensity,
      String campaignId,
      String experimentId,
      String arm,
      String variantId,
      Double price,
      Integer quantity,
      long timestamp,
      long receivedAt,
      Map<String, Object> extra) {
    this(
        eventId,
        type,
        userId,
        productId,
        contentId,
        requestId,
        sessionId,
        position,
        propensity,
        campaignId,
        experimentId,
        arm,
        variantId,
        price,
        quantity,
        null,
        timestamp,
        receivedAt,
        extra);
  }

  /** True for clicks, carts and purchases that a tracking link ties to a delivered item. */
  @JsonIgnore
  public boolean isAttributed() {
    return type.showsInterest() && requestId != null;
  }

  /** The same event at other times (replays re-stamp events as they pace them). */
  public Event at(long newTimestamp, long newReceivedAt) {
    return new Event(
        eventId,
        type,
        userId,
        productId,
        contentId,
        requestId,
        sessionId,
        position,
        propensity,
        campaignId,
        experimentId,
        arm,
        variantId,
        price,
        quantity,
        query,
        newTimestamp,
        newReceivedAt,
        extra);
  }

  public Event withReceivedAt(long newReceivedAt) {
    return at(timestamp, newReceivedAt);
  }
}
