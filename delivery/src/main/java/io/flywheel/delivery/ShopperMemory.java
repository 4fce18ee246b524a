package io.flywheel.delivery;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What delivery itself knows of each recent shopper, from what it served and what the collector
 * received: the products they saw or clicked lately (seeds for co-visitation) and what they bought
 * (never offered again). Bounded: the least recently active shoppers are forgotten first.
 */
final class ShopperMemory {
  static final int RECENT = 8;

  private static final class Shopper {
    final Deque<String> recent = new ArrayDeque<>(RECENT);
    final Set<String> bought = new HashSet<>();

    void saw(String productId) {
      recent.remove(productId);
      recent.addFirst(productId);
      while (recent.size() > RECENT) {
        recent.removeLast();
      }
    }
  }

  private final Map<String, Shopper> shoppers;

  ShopperMemory(int capacity) {
    this.shoppers =
        new LinkedHashMap<>(1024, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Shopper> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized void shown(String userId, List<String> products) {
    Shopper s = shoppers.computeIfAbsent(userId, u -> new Shopper());
    // The top of a slate is what was most likely looked at; add it last so it is most recent.
    for (int i = Math.min(products.size(), 3) - 1; i >= 0; i--) {
      s.saw(products.get(i));
    }
  }

  synchronized void observed(Event event) {
    if (event.productId() == null) {
      return;
    }
    Shopper s = shoppers.computeIfAbsent(event.userId(), u -> new Shopper());
    if (event.type() == EventType.PURCHASE) {
      s.bought.add(event.productId());
    } else if (event.type() == EventType.CLICK || event.type() == EventType.ADD_TO_CART) {
      s.saw(event.productId());
    }
  }

  synchronized List<String> recent(String userId) {
    Shopper s = shoppers.get(userId);
    return s == null ? List.of() : new ArrayList<>(s.recent);
  }

  synchronized Set<String> bought(String userId) {
    Shopper s = shoppers.get(userId);
    return s == null ? Set.of() : Set.copyOf(s.bought);
  }
}
