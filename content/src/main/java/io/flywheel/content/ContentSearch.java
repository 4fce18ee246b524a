package io.flywheel.content;

import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Hybrid search of the content index: a keyword list (BM25 over terms analysed in the query's
 * language) and a nearest-neighbour list (the query's embedding), fused by reciprocal rank fusion
 * in Flywheel (the Maven-distributed node has no RRF retriever), then boosted by the shopper's
 * category affinities when a shopper is named.
 */
public final class ContentSearch {
  /** RRF's constant: a document's fused score is the sum of 1 / (K + rank) over the lists. */
  public static final int RRF_K = 60;

  /**
   * The nearest-neighbour list's weight in the fusion where the embedding model reads the query's
   * language: plain reciprocal rank fusion (the keyword list's weight is 1 too). On the simulator's
   * judged queries the two lists are about equally good and fusing them equally beats either, on
   * both halves of the queries (docs/BENCHMARKS.md).
   */
  public static final double KNN_WEIGHT = 1.0;

  /**
   * ... and where it does not (MiniLM and Chinese: the query is embedded through the English of the
   * catalogue words it names). So weak a list only fills in after the keyword list's matches: at
   * 0.01 it cannot swap two adjacent keyword hits in the top ten, while every weight from 0.02 up
   * lowered Chinese NDCG on the judged queries.
   */
  public static final double KNN_WEIGHT_UNCOVERED = 0.01;

  /** How strongly a shopper's full affinity (1.0) for a category lifts its results. */
  public static final double AFFINITY_BOOST = 0.5;

  /** Candidates each list brings to the fusion (each is fetched with its stored fields). */
  private static final int CANDIDATES = 30;

  private static final ExecutorService KEYWORD_SEARCHES =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "content-keyword-search");
            t.setDaemon(true);
            return t;
          });

  private final ContentIndex index;
  private final TextEmbedder embedder;
  private final UserAffinities affinities;

  public ContentSearch(ContentIndex index, TextEmbedder embedder, UserAffinities affinities) {
    this.index = index;
    this.embedder = embedder;
    this.affinities = affinities == null ? UserAffinities.NONE : affinities;
  }

  public List<ContentHit> search(ContentQuery query) throws IOException {
    CopyLocale language =
        query.locale() != null ? query.locale() : TextAnalysis.localeOf(query.text());
    List<Query> filters = filters(query);
    int depth = Math.max(CANDIDATES, query.k());
    CompletableFuture<List<ContentHit>> keyword = CompletableFuture.completedFuture(List.of());
    List<ContentHit> nearest = List.of();
    if (query.mode() != ContentQuery.SearchMode.KNN) {
      String terms = TextAnalysis.terms(query.text(), language);
      String field = language == CopyLocale.ZH_CN ? "terms_zh" : "terms_en";
      if (!terms.isBlank()) {
        // The keyword list is fetched while this thread embeds the query and asks for its
        // neighbours: a hybrid search waits for the slower of the two, not for both in turn.
        keyword =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return index.keyword(terms, field, filters, depth);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                KEYWORD_SEARCHES);
      }
    }
    // A Chinese query reaches an English-only model through the English words it names.
    String embedded = query.text();
    boolean covered = embedder.covers(language);
    if (!covered && language == CopyLocale.ZH_CN) {
      String gloss = TextAnalysis.englishGlossOf(query.text());
      if (!gloss.isEmpty() && embedder.covers(CopyLocale.EN_US)) {
        embedded = gloss;
      }
    }
    if (query.mode() != ContentQuery.SearchMode.BM25) {
      nearest = index.nearest(embedder.embed(embedded), filters, depth);
    }
    Map<String, Double> weights =
        query.userId() == null ? Map.of() : affinities.categoryWeights(query.userId());
    double knnWeight =
        query.mode() == ContentQuery.SearchMode.KNN
            ? 1
            : covered ? KNN_WEIGHT : KNN_WEIGHT_UNCOVERED;
    return fuse(joined(keyword), nearest, knnWeight, weights, query.k());
  }

  private static List<ContentHit> joined(CompletableFuture<List<ContentHit>> list)
      throws IOException {
    try {
      return list.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  static List<ContentHit> fuse(
      List<ContentHit> keyword,
      List<ContentHit> nearest,
      double knnWeight,
      Map<String, Double> weights,
      int k) {
    Map<String, ContentHit> byId = new LinkedHashMap<>();
    Map<String, int[]> ranks = new LinkedHashMap<>();
    for (int i = 0; i < keyword.size(); i++) {
      byId.putIfAbsent(keyword.get(i).id(), keyword.get(i));
      ranks.computeIfAbsent(keyword.get(i).id(), id -> new int[2])[0] = i + 1;
    }
    for (int i = 0; i < nearest.size(); i++) {
      byId.putIfAbsent(nearest.get(i).id(), nearest.get(i));
      ranks.computeIfAbsent(nearest.get(i).id(), id -> new int[2])[1] = i + 1;
    }
    List<ContentHit> fused = new ArrayList<>();
    for (Map.Entry<String, int[]> e : ranks.entrySet()) {
      int[] r = e.getValue();
      double score =
          (r[0] > 0 ? 1.0 / (RRF_K + r[0]) : 0) + (r[1] > 0 ? knnWeight / (RRF_K + r[1]) : 0);
      ContentHit hit = byId.get(e.getKey());
      double affinity = hit.category() == null ? 0 : weights.getOrDefault(hit.category(), 0.0);
      score *= 1 + AFFINITY_BOOST * Math.max(0, Math.min(1, affinity));
      fused.add(
          new ContentHit(
              hit.id(),
              hit.type(),
              hit.kind(),
              hit.locale(),
              hit.title(),
              hit.body(),
              hit.productIds(),
              hit.category(),
              hit.brand(),
              r[0],
              r[1],
              score));
    }
    fused.sort(
        Comparator.comparingDouble(ContentHit::score).reversed().thenComparing(ContentHit::id));
    return fused.subList(0, Math.min(k, fused.size()));
  }

  private static List<Query> filters(ContentQuery query) {
    List<Query> filters = new ArrayList<>();
    if (query.kind() != null) {
      if (query.kind().equals(ContentDocument.PRODUCT)) {
        filters.add(ContentIndex.term("type", ContentDocument.PRODUCT));
      } else {
        filters.add(ContentIndex.term("kind", query.kind()));
      }
    }
    if (query.locale() != null) {
      // Products are in every locale; copy only in its own.
      filters.add(
          Query.of(
              q ->
                  q.bool(
                      b ->
                          b.should(ContentIndex.term("locale", query.locale().tag()))
                              .should(ContentIndex.term("locale", "any"))
                              .minimumShouldMatch("1"))));
    }
    return filters;
  }
}
