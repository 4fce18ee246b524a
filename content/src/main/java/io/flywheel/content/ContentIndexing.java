package io.flywheel.content;

import io.flywheel.core.ContentItem;
import io.flywheel.core.Product;
import io.flywheel.core.SafetyVerdict;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.LongConsumer;

/** Turns the catalogue and approved copy into embedded index documents, in batches. */
public final class ContentIndexing {
  public static final int BATCH = 64;

  private ContentIndexing() {}

  /**
   * Documents for every product and every approved item (anything else is left out: only copy the
   * checks approved is ever indexed).
   *
   * @param progress called with the number of documents embedded so far
   */
  public static List<ContentDocument> documents(
      Collection<Product> products,
      Collection<ContentItem> copy,
      CatalogFacts catalog,
      TextEmbedder embedder,
      LongConsumer progress) {
    List<ContentDocument> docs = new ArrayList<>();
    products.forEach(p -> docs.add(ContentDocument.ofProduct(p)));
    for (ContentItem item : copy) {
      if (item.safetyVerdict() == SafetyVerdict.APPROVED) {
        ProductFacts about =
            item.productIds().isEmpty()
                ? null
                : catalog.facts(item.productIds().get(0)).orElse(null);
        docs.add(ContentDocument.ofCopy(item, about));
      }
    }
    List<ContentDocument> embedded = new ArrayList<>(docs.size());
    for (int from = 0; from < docs.size(); from += BATCH) {
      List<ContentDocument> batch = docs.subList(from, Math.min(docs.size(), from + BATCH));
      List<float[]> vectors =
          embedder.embedAll(batch.stream().map(ContentDocument::embeddedText).toList());
      for (int i = 0; i < batch.size(); i++) {
        embedded.add(batch.get(i).withEmbedding(vectors.get(i)));
      }
      progress.accept(embedded.size());
    }
    return embedded;
  }
}
