package io.flywheel.core;

import static io.flywheel.core.InvalidRecordException.require;
import static io.flywheel.core.InvalidRecordException.requireText;

import java.util.List;

/**
 * A piece of marketing copy that can be delivered and measured.
 *
 * @param targetSegment who it is written for ({@code all} when anyone)
 * @param variantId the copy variant among those written for the same products and slot
 * @param generator what wrote it (template set, LLM, simulator) and {@code generatorVersion}
 * @param angle the message angle it was written around (null: not stated)
 */
public record ContentItem(
    String id,
    ContentKind kind,
    String locale,
    String title,
    String body,
    List<String> productIds,
    String targetSegment,
    String variantId,
    String campaignId,
    String generator,
    String generatorVersion,
    SafetyVerdict safetyVerdict,
    long createdAt,
    MessageAngle angle) {

  public ContentItem {
    requireText(id, "id");
    require(kind != null, "kind", "is required");
    requireText(locale, "locale");
    requireText(title, "title");
    requireText(body, "body");
    productIds = productIds == null ? List.of() : List.copyOf(productIds);
    targetSegment = targetSegment == null ? "all" : targetSegment;
    requireText(variantId, "variantId");
    requireText(generator, "generator");
    requireText(generatorVersion, "generatorVersion");
    require(safetyVerdict != null, "safetyVerdict", "is required");
    require(
        createdAt > 0, "createdAt", "must be a positive epoch-millisecond time, got ", createdAt);
  }

  /** Copy written without a stated angle (the simulator's stock copy, imported copy). */
  public ContentItem(
      String id,
      ContentKind kind,
      String locale,
      String title,
      String body,
      List<String> productIds,
      String targetSegment,
      String variantId,
      String campaignId,
      String generator,
      String generatorVersion,
      SafetyVerdict safetyVerdict,
      long createdAt) {
    this(
        id,
        kind,
        locale,
        title,
        body,
        productIds,
        targetSegment,
        variantId,
        campaignId,
        generator,
        generatorVersion,
        safetyVerdict,
        createdAt,
        null);
  }

  /** The same item with another verdict (what the checks decided). */
  public ContentItem withVerdict(SafetyVerdict verdict) {
    return new ContentItem(
        id,
        kind,
        locale,
        title,
        body,
        productIds,
        targetSegment,
        variantId,
        campaignId,
        generator,
        generatorVersion,
        verdict,
        createdAt,
        angle);
  }
}
