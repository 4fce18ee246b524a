package io.flywheel.training;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.Product;
import io.flywheel.featurestore.CategoryAffinity;
import io.flywheel.featurestore.CoVisitation;
import io.flywheel.featurestore.ShopCatalog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recommendation candidates from the behaviour before a cut-off, with the same feature code the
 * streaming jobs use ({@link CoVisitation} baskets per session, {@link CategoryAffinity} per
 * shopper): global popularity, category-affinity popularity (global popularity for shoppers never
 * seen), and co-visitation from the shopper's latest products (topped up by category popularity).
 * Popularity counts click 1, add-to-cart 2, purchase 3, halving every week.
 */
public final class Recommenders {
  /** How each recommender is called in the registry and in reports. */
  public static final List<String> NAMES =
      List.of("global_popularity", "category_popularity", "covisitation");

  static final int RECENT_PRODUCTS = 5;

  private final ShopCatalog catalog;
  private final long asOf;
  private final Map<String, Double> popularity = new HashMap<>();
  private final Map<String, Map<String, Double>> popularityByLeaf = new HashMap<>();
  private final Map<String, CategoryAffinity> affinity = new HashMap<>();
  private final Map<String, Deque<String>> recent = new HashMap<>();
  private final Map<String, CoVisitation> coVisits = new HashMap<>();
  private List<String> globalRanking = List.of();

  private Recommenders(ShopCatalog catalog, long asOf) {
    this.catalog = catalog;
    this.asOf = asOf;
  }

  /** Fits every recommender on {@code events} (any order; later ones than {@code asOf} ignored). */
  public static Recommenders fit(Iterable<Event> events, ShopCatalog catalog, long asOf) {
    Recommenders r = new Recommenders(catalog, asOf);
    Map<String, CoVisitation.Basket> baskets = new HashMap<>();
    List<Event> sorted = new ArrayList<>();
    events.forEach(
        e -> {
          if (e.timestamp() <= asOf) {
            sorted.add(e);
          }
        });
    sorted.sort(Comparator.comparingLong(Event::timestamp).thenComparing(Event::eventId));
    for (Event e : sorted) {
      if (e.productId() == null || !e.type().showsInterest()) {
        continue;
      }
      double weight =
          switch (e.type()) {
            case PURCHASE -> 3;
            case ADD_TO_CART -> 2;
            default -> 1;
          };
      double decayed =
          weight
              * Math.pow(0.5, (asOf - e.timestamp()) / (double) CategoryAffinity.HALF_LIFE_MILLIS);
      r.popularity.merge(e.productId(), decayed, Double::sum);
      catalog
          .product(e.productId())
          .ifPresent(
              p -> {
                r.popularityByLeaf
                    .computeIfAbsent(p.leafCategory(), k -> new HashMap<>())
                    .merge(p.id(), decayed, Double::sum);
                CategoryAffinity a =
                    r.affinity.computeIfAbsent(e.userId(), k -> new CategoryAffinity());
                if (e.type() == EventType.PURCHASE) {
                  a.purchase(p.leafCategory(), e.timestamp());
                } else {
                  a.click(p.leafCategory(), e.timestamp());
                }
              });
      Deque<String> latest = r.recent.computeIfAbsent(e.userId(), k -> new ArrayDeque<>());
      latest.remove(e.productId());
      latest.addFirst(e.productId());
      while (latest.size() > RECENT_PRODUCTS) {
        latest.removeLast();
      }
      if (e.sessionId() != null) {
        baskets.computeIfAbsent(e.sessionId(), k -> new CoVisitation.Basket()).add(e);
      }
    }
    for (CoVisitation.Basket basket : baskets.values()) {
      basket
          .coVisits()
          .forEach(
              (product, neighbours) -> {
                CoVisitation c = r.coVisits.computeIfAbsent(product, k -> new CoVisitation());
                neighbours.forEach(c::add);
              });
    }
    r.globalRanking = ranked(r.popularity, Integer.MAX_VALUE);
    return r;
  }

  /** The top {@code k} products for the shopper from the named recommender. */
  public List<String> recommend(String recommender, String userId, int k) {
    return switch (recommender) {
      case "global_popularity" -> globalRanking.subList(0, Math.min(k, globalRanking.size()));
      case "category_popularity" -> categoryPopularity(userId, k);
      case "covisitation" -> coVisitation(userId, k);
      default ->
          throw new IllegalArgumentException(
              "recommender: one of " + NAMES + ", got '" + recommender + "'");
    };
  }

  public boolean knows(String userId) {
    return recent.containsKey(userId);
  }

  public long asOf() {
    return asOf;
  }

  private List<String> categoryPopularity(String userId, int k) {
    CategoryAffinity a = affinity.get(userId);
    if (a == null) {
      return recommend("global_popularity", userId, k);
    }
    Map<String, Object> values = a.valuesAsOf(asOf);
    Map<String, Double> scores = new HashMap<>();
    for (int i = 1; i <= CategoryAffinity.TOP_K; i++) {
      Object leaf = values.get("category_" + i);
      Object w = values.get("click_weight_" + i);
      Object pw = values.get("purchase_weight_" + i);
      if (leaf == null) {
        break;
      }
      double weight = ((Number) w).doubleValue() + 3 * ((Number) pw).doubleValue();
      popularityByLeaf
          .getOrDefault((String) leaf, Map.of())
          .forEach((p, pop) -> scores.merge(p, weight * pop, Double::sum));
    }
    return topUp(ranked(scores, k), k);
  }

  private List<String> coVisitation(String userId, int k) {
    Deque<String> latest = recent.get(userId);
    if (latest == null) {
      return recommend("global_popularity", userId, k);
    }
    Map<String, Double> scores = new HashMap<>();
    int rank = 0;
    for (String product : latest) {
      double recency = 1.0 / (1 + rank++); // the latest product counts most
      CoVisitation c = coVisits.get(product);
      if (c == null) {
        continue;
      }
      @SuppressWarnings("unchecked")
      List<io.flywheel.featurestore.ScoredItem> neighbours =
          (List<io.flywheel.featurestore.ScoredItem>) c.values().get("neighbours");
      neighbours.forEach(n -> scores.merge(n.id(), recency * n.score(), Double::sum));
    }
    List<String> out = new ArrayList<>(ranked(scores, k));
    for (String p : categoryPopularity(userId, k)) {
      if (out.size() >= k) {
        break;
      }
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /** Fills a short list from global popularity, without repeats. */
  private List<String> topUp(List<String> list, int k) {
    Set<String> out = new LinkedHashSet<>(list);
    for (String p : globalRanking) {
      if (out.size() >= k) {
        break;
      }
      out.add(p);
    }
    return List.copyOf(out);
  }

  /** The leaf category of a product, for diversity ("" when unknown). */
  public String leafOf(String productId) {
    return catalog.product(productId).map(Product::leafCategory).orElse("");
  }

  private static List<String> ranked(Map<String, Double> scores, int k) {
    return scores.entrySet().stream()
        .sorted(
            Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry::getKey))
        .limit(k)
        .map(Map.Entry::getKey)
        .toList();
  }

  /** For reports: how many products each recommender could draw from. */
  public Map<String, Integer> sizes() {
    Map<String, Integer> out = new LinkedHashMap<>();
    out.put("products_with_interactions", popularity.size());
    out.put("products_with_covisits", coVisits.size());
    out.put("shoppers_known", recent.size());
    return out;
  }
}
