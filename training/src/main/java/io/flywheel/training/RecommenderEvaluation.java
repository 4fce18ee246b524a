package io.flywheel.training;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.GroundTruth;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.evaluation.RankingMetrics;
import io.flywheel.featurestore.ShopCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges the recommenders like any model: fitted on the behaviour before a time cut-off, each
 * recommends {@code k} products to every shopper who clicked or bought after it, and the lists are
 * scored against what they did (purchase 2, click or cart 1): precision, recall, NDCG, MAP, MRR and
 * hit rate at {@code k}, catalogue coverage and intra-list diversity (share of pairs from different
 * leaf categories). With the simulator's truth, a preference oracle (products ranked by the
 * shopper's true category affinity and the product's true quality) is scored the same way.
 */
public final class RecommenderEvaluation {
  /** Figures per recommender (and {@code preference_oracle} when truth is given). */
  public record Result(
      long cutoff, int shoppers, int coldShoppers, Map<String, Map<String, Double>> figures) {}

  private RecommenderEvaluation() {}

  public static Result evaluate(
      Path eventsFile, ShopCatalog catalog, Path truthFile, int k, double heldOutShare)
      throws IOException {
    if (k < 1 || !(heldOutShare > 0 && heldOutShare < 1)) {
      throw new IllegalArgumentException("k >= 1 and a held-out share in (0, 1) are required");
    }
    List<Event> events = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    // Malformed lines are the feature job's to dead-letter; here they are only skipped.
    try (JsonLinesReader<Event> reader =
        JsonLinesReader.open(eventsFile, Codecs.EVENTS, bad -> {})) {
      reader.forEachRemaining(
          e -> {
            if (seen.add(e.eventId())) {
              events.add(e);
            }
          });
    }
    if (events.isEmpty()) {
      throw new IllegalArgumentException("events: " + eventsFile + " holds no valid events");
    }
    long first = events.stream().mapToLong(Event::timestamp).min().orElseThrow();
    long last = events.stream().mapToLong(Event::timestamp).max().orElseThrow();
    long cutoff = first + (long) ((last - first) * (1 - heldOutShare));
    Recommenders recommenders = Recommenders.fit(events, catalog, cutoff);
    Map<String, Map<String, Double>> relevance = new LinkedHashMap<>();
    for (Event e : events) {
      if (e.timestamp() <= cutoff || e.productId() == null || !e.type().showsInterest()) {
        continue;
      }
      double gain = e.type() == EventType.PURCHASE ? 2 : 1;
      relevance
          .computeIfAbsent(e.userId(), u -> new HashMap<>())
          .merge(e.productId(), gain, Math::max);
    }
    if (relevance.isEmpty()) {
      throw new IllegalArgumentException(
          "events: nobody clicked or bought after the cut-off; "
              + "there is nothing to judge recommendations on");
    }
    int cold = (int) relevance.keySet().stream().filter(u -> !recommenders.knows(u)).count();
    Map<String, Map<String, Double>> figures = new LinkedHashMap<>();
    for (String name : Recommenders.NAMES) {
      List<RankingMetrics.RankedList> lists = new ArrayList<>();
      relevance.forEach(
          (user, rel) ->
              lists.add(new RankingMetrics.RankedList(recommenders.recommend(name, user, k), rel)));
      figures.put(name, figures(lists, k, catalog, recommenders));
    }
    if (truthFile != null) {
      PreferenceOracle oracle = PreferenceOracle.load(truthFile, catalog);
      List<RankingMetrics.RankedList> lists = new ArrayList<>();
      relevance.forEach(
          (user, rel) -> lists.add(new RankingMetrics.RankedList(oracle.recommend(user, k), rel)));
      Map<String, Double> best = figures(lists, k, catalog, recommenders);
      figures.put("preference_oracle", best);
      for (String name : Recommenders.NAMES) {
        figures.get(name).put("oracle_ratio", figures.get(name).get("ndcg") / best.get("ndcg"));
      }
    }
    return new Result(cutoff, relevance.size(), cold, figures);
  }

  private static Map<String, Double> figures(
      List<RankingMetrics.RankedList> lists,
      int k,
      ShopCatalog catalog,
      Recommenders recommenders) {
    RankingMetrics.RankingReport report = RankingMetrics.evaluate(lists, k);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("k", (double) k);
    m.put("ndcg", report.ndcg());
    m.put("precision", report.precision());
    m.put("recall", report.recall());
    m.put("map", report.meanAveragePrecision());
    m.put("mrr", report.meanReciprocalRank());
    m.put("hit_rate", report.hitRate());
    m.put("catalog_coverage", RankingMetrics.catalogCoverage(lists, k, catalog.size()));
    double diversity = 0;
    for (RankingMetrics.RankedList list : lists) {
      diversity +=
          RankingMetrics.intraListDiversity(
              list, k, (a, b) -> recommenders.leafOf(a).equals(recommenders.leafOf(b)) ? 0.0 : 1.0);
    }
    m.put("intra_list_diversity", lists.isEmpty() ? Double.NaN : diversity / lists.size());
    return m;
  }

  /** Products ranked per shopper by the simulator's latent taste: the best a list could know. */
  private record PreferenceOracle(
      Map<String, Map<String, Double>> affinity,
      Map<String, Double> quality,
      ShopCatalog catalog,
      List<String> products) {
    static PreferenceOracle load(Path truthFile, ShopCatalog catalog) throws IOException {
      Map<String, Map<String, Double>> affinity = new HashMap<>();
      Map<String, Double> quality = new HashMap<>();
      JsonLinesReader.forEach(
          truthFile,
          Codecs.TRUTH,
          t -> {
            if (t instanceof GroundTruth.UserTruth u) {
              affinity.put(u.userId(), u.categoryAffinity());
            } else if (t instanceof GroundTruth.ProductTruth p) {
              quality.put(p.productId(), p.quality());
            }
          });
      return new PreferenceOracle(affinity, quality, catalog, List.copyOf(quality.keySet()));
    }

    /** Log-odds terms of the true click model that depend on shopper and product only. */
    List<String> recommend(String user, int k) {
      Map<String, Double> taste = affinity.getOrDefault(user, Map.of());
      Map<String, Double> scores = new HashMap<>();
      for (String p : products) {
        catalog
            .product(p)
            .ifPresent(
                product ->
                    scores.put(
                        p,
                        0.6
                                * Math.log(
                                    Math.max(taste.getOrDefault(product.leafCategory(), 0.0), 1e-6))
                            + 0.3 * quality.get(p)));
      }
      return scores.entrySet().stream()
          .sorted(
              Map.Entry.<String, Double>comparingByValue()
                  .reversed()
                  .thenComparing(Map.Entry::getKey))
          .limit(k)
          .map(Map.Entry::getKey)
          .toList();
    }
  }
}
