package io.flywheel.content;

import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Every check an item passes before it can be indexed: facts against the catalogue, banned claims,
 * social proof without evidence, length for its kind, language, near-duplicates of copy already
 * approved for the same slot (MinHash, and embedding cosine of the copy's own words when an
 * embedder covering its language is given), and readability. Keeps the approved copy it has seen,
 * so a batch is also checked against itself. Not thread-safe.
 */
public final class ContentChecks {
  /** Estimated Jaccard similarity at which copy for the same slot is a near-duplicate. */
  public static final double SAME_SLOT_JACCARD = 0.8;

  /** ... and for copy anywhere (a verbatim copy of another product's text). */
  public static final double ANYWHERE_JACCARD = 0.95;

  /** Embedding cosine at which copy for the same slot is a near-duplicate. */
  public static final double SAME_SLOT_COSINE = 0.97;

  private final CatalogFacts catalog;
  private final ClaimRules claims;
  private final FactCheck facts;
  private final TextEmbedder embedder;
  private final Map<String, List<Seen>> bySlot = new HashMap<>();
  private final Map<String, List<Seen>> byBand = new HashMap<>();

  /** Kinds whose text must be unique across products (duplicate pages rank poorly in search). */
  private static final Set<ContentKind> UNIQUE_KINDS =
      EnumSet.of(ContentKind.PRODUCT_DESCRIPTION, ContentKind.SEO_DESCRIPTION);

  private record Seen(String id, long[] signature, float[] embedding) {}

  /**
   * @param embedder null to skip the embedding half of the duplicate check
   */
  public ContentChecks(
      CatalogFacts catalog, ShopPolicy policy, ClaimRules claims, TextEmbedder embedder) {
    this.catalog = catalog;
    this.claims = claims;
    this.facts = new FactCheck(catalog, policy);
    this.embedder = embedder;
  }

  /** Copy already published: new copy is compared with it (it is not checked itself). */
  public void remember(List<ContentItem> existing) {
    List<float[]> vectors = embed(existing);
    for (int i = 0; i < existing.size(); i++) {
      add(existing.get(i), MinHash.signature(text(existing.get(i))), vectors.get(i));
    }
  }

  public CheckResult check(ContentItem item) {
    return checkAll(List.of(item)).get(0);
  }

  /** Checks in order; each approved item joins what later items are compared with. */
  public List<CheckResult> checkAll(List<ContentItem> items) {
    List<float[]> vectors = embed(items);
    List<CheckResult> results = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      ContentItem item = items.get(i);
      long[] signature = MinHash.signature(text(item));
      List<CheckFinding> findings = findings(item);
      duplicateOf(item, signature, vectors.get(i)).ifPresent(findings::add);
      CheckResult result = CheckResult.of(item, findings);
      if (result.approved()) {
        add(item, signature, vectors.get(i));
      }
      results.add(result);
    }
    return results;
  }

  private List<CheckFinding> findings(ContentItem item) {
    List<CheckFinding> out = new ArrayList<>();
    CopyLocale locale;
    try {
      locale = CopyLocale.fromTag(item.locale(), "locale");
    } catch (IllegalArgumentException e) {
      out.add(CheckFinding.reject("wrong_language", "locale", e.getMessage()));
      return out;
    }
    List<ProductFacts> about = new ArrayList<>();
    for (String id : item.productIds()) {
      Optional<ProductFacts> f = catalog.facts(id);
      if (f.isEmpty()) {
        out.add(
            CheckFinding.reject("unknown_product", "productIds", id + " is not in the catalogue"));
      } else {
        about.add(f.get());
      }
    }
    for (String field : List.of("title", "body")) {
      String text = field.equals("title") ? item.title() : item.body();
      // With several products, a fact is supported when any of them states it.
      List<CheckFinding> factFindings = null;
      for (ProductFacts f : about) {
        List<CheckFinding> found = facts.check(field, text, f);
        if (factFindings == null || found.size() < factFindings.size()) {
          factFindings = found;
        }
      }
      if (factFindings != null) {
        out.addAll(factFindings);
      }
      claims
          .bannedIn(text)
          .ifPresent(
              phrase ->
                  out.add(
                      CheckFinding.reject(
                          "banned_claim", field, "'" + phrase + "' is on the banned list")));
      socialProof(field, text, about).ifPresent(out::add);
    }
    CopyLimits limits = CopyLimits.of(item.kind());
    int titleWidth = CopyLimits.width(item.title());
    int bodyWidth = CopyLimits.width(item.body());
    if (titleWidth > limits.titleMax()) {
      out.add(
          CheckFinding.reject(
              "too_long",
              "title",
              titleWidth + " wide, over " + limits.titleMax() + " for " + item.kind().wireName()));
    }
    if (bodyWidth > limits.bodyMax()) {
      out.add(
          CheckFinding.reject(
              "too_long",
              "body",
              bodyWidth + " wide, over " + limits.bodyMax() + " for " + item.kind().wireName()));
    }
    String written = item.title() + "\n" + item.body();
    for (ProductFacts f : about) {
      written = FactCheck.mask(written, f.product().title());
      written = FactCheck.mask(written, f.product().brand());
    }
    out.addAll(LanguageCheck.check(written, locale));
    Readability.problem(item.body(), locale)
        .ifPresent(p -> out.add(CheckFinding.review("hard_to_read", "body", p)));
    return out;
  }

  private static Optional<CheckFinding> socialProof(
      String field, String text, List<ProductFacts> about) {
    Matcher unprovable = ClaimRules.UNPROVABLE_PROOF.matcher(text);
    if (unprovable.find()) {
      return Optional.of(
          CheckFinding.reject(
              "invented_social_proof",
              field,
              "'"
                  + unprovable.group().strip()
                  + "': Flywheel holds no reviews, ratings or testimonials to support it"));
    }
    Matcher sales = ClaimRules.SALES_CLAIM.matcher(text);
    if (sales.find() && about.stream().noneMatch(f -> f.topSeller().isPresent())) {
      return Optional.of(
          CheckFinding.reject(
              "invented_social_proof",
              field,
              "'"
                  + sales.group().strip()
                  + "' but no measured sales rank puts the product among the most bought"));
    }
    return Optional.empty();
  }

  private Optional<CheckFinding> duplicateOf(ContentItem item, long[] signature, float[] vector) {
    for (Seen seen : bySlot.getOrDefault(slot(item), List.of())) {
      double jaccard = MinHash.similarity(signature, seen.signature());
      if (jaccard >= SAME_SLOT_JACCARD) {
        return Optional.of(near(seen, String.format(Locale.ROOT, "MinHash Jaccard %.2f", jaccard)));
      }
      if (vector != null && seen.embedding() != null) {
        double cosine = TextEmbedder.cosine(vector, seen.embedding());
        if (cosine >= SAME_SLOT_COSINE) {
          return Optional.of(
              near(seen, String.format(Locale.ROOT, "embedding cosine %.3f", cosine)));
        }
      }
    }
    if (!UNIQUE_KINDS.contains(item.kind())) {
      return Optional.empty();
    }
    for (long band : bands(signature)) {
      for (Seen seen : byBand.getOrDefault(item.kind().wireName() + band, List.of())) {
        double jaccard = MinHash.similarity(signature, seen.signature());
        if (jaccard >= ANYWHERE_JACCARD && !seen.id().equals(item.id())) {
          return Optional.of(
              near(seen, String.format(Locale.ROOT, "MinHash Jaccard %.2f", jaccard)));
        }
      }
    }
    return Optional.empty();
  }

  private static CheckFinding near(Seen seen, String how) {
    return CheckFinding.reject("near_duplicate", "body", "of " + seen.id() + " (" + how + ")");
  }

  private void add(ContentItem item, long[] signature, float[] vector) {
    Seen seen = new Seen(item.id(), signature, vector);
    bySlot.computeIfAbsent(slot(item), k -> new ArrayList<>()).add(seen);
    for (long band : bands(signature)) {
      byBand.computeIfAbsent(item.kind().wireName() + band, k -> new ArrayList<>()).add(seen);
    }
  }

  /** Locality-sensitive buckets: 32 bands of 4 rows; near-identical texts share at least one. */
  private static long[] bands(long[] signature) {
    long[] out = new long[32];
    for (int b = 0; b < 32; b++) {
      long h = b;
      for (int r = 0; r < 4; r++) {
        h = h * 31 + signature[b * 4 + r];
      }
      out[b] = h;
    }
    return out;
  }

  private static String slot(ContentItem item) {
    return String.join(",", item.productIds())
        + "|"
        + item.kind().wireName()
        + "|"
        + item.locale()
        + "|"
        + item.targetSegment();
  }

  private static String text(ContentItem item) {
    return item.title() + "\n" + item.body();
  }

  /**
   * Embeddings of the copy's own words (product names masked: two variants naming the same product
   * are not duplicates for that), only in locales the model covers; null elsewhere.
   */
  private List<float[]> embed(List<ContentItem> items) {
    List<float[]> out = new ArrayList<>(java.util.Collections.nCopies(items.size(), null));
    if (embedder == null) {
      return out;
    }
    List<Integer> positions = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ContentItem item = items.get(i);
      boolean covered;
      try {
        covered = embedder.covers(CopyLocale.fromTag(item.locale(), "locale"));
      } catch (IllegalArgumentException e) {
        covered = false;
      }
      if (covered) {
        String text = text(item);
        for (String id : item.productIds()) {
          var facts = catalog.facts(id);
          if (facts.isPresent()) {
            text = FactCheck.mask(text, facts.get().product().title());
            text = FactCheck.mask(text, facts.get().product().brand());
          }
        }
        positions.add(i);
        texts.add(text.replaceAll("\\s+", " ").strip());
      }
    }
    List<float[]> vectors = embedder.embedAll(texts);
    for (int j = 0; j < positions.size(); j++) {
      out.set(positions.get(j), vectors.get(j));
    }
    return out;
  }
}
