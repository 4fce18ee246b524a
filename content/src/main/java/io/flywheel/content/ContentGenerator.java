package io.flywheel.content;

import io.flywheel.core.ContentItem;
import java.util.List;

/**
 * Writes copy from a product's facts. Every implementation refuses the same requests (see {@link
 * GenerationPolicy}) and returns items with verdict {@code pending}: only the checks approve.
 */
public interface ContentGenerator {
  /**
   * {@code request.variants()} distinct items (fewer when the facts support fewer angles).
   *
   * @throws ContentRefusedException when the request asks for what a shop must not publish
   */
  List<ContentItem> generate(ContentRequest request);

  /** What {@link ContentItem#generator()} says for items this wrote. */
  String name();
}
