package io.flywheel.content;

/**
 * One thing a check found in an item.
 *
 * @param reason a stable code: {@code price_mismatch}, {@code discount_mismatch}, {@code
 *     unsupported_number}, {@code brand_mismatch}, {@code attribute_mismatch}, {@code
 *     unknown_product}, {@code banned_claim}, {@code invented_social_proof}, {@code too_long},
 *     {@code wrong_language}, {@code language_uncertain}, {@code near_duplicate}, {@code
 *     hard_to_read}
 * @param field {@code title} or {@code body} (or {@code productIds})
 * @param detail what exactly, in words (the number found and the catalogue's, the phrase, ...)
 * @param blocking true rejects the item; false sends it to a person for review
 */
public record CheckFinding(String reason, String field, String detail, boolean blocking) {
  static CheckFinding reject(String reason, String field, String detail) {
    return new CheckFinding(reason, field, detail, true);
  }

  static CheckFinding review(String reason, String field, String detail) {
    return new CheckFinding(reason, field, detail, false);
  }
}
