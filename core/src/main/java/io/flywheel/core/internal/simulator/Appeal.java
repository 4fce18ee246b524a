package io.flywheel.core.internal.simulator;

import io.flywheel.core.ContentKind;
import io.flywheel.core.MessageAngle;
import io.flywheel.core.Product;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a piece of copy adds to a shopper's click log-odds: the kind's pull, plus the segment's
 * weights of the angles the text carries, minus what puts a reader off (too long for the slot, a
 * language the shopper does not read, a fact the catalogue contradicts). The per-item noise is the
 * catalogue's, not this formula's, so this is the appeal any copy can be expected to have.
 */
final class Appeal {
  static final double LENGTH_PENALTY = 0.3;
  static final double OVERFLOW_PENALTY = 0.6;
  static final double LANGUAGE_PENALTY = 0.6;
  static final double FACT_PENALTY = 1.0;

  /** Chance that a shopper who clicks through to a contradicted fact complains. */
  static final double COMPLAINT_RATE = 0.3;

  private static final double CENT = 0.005;
  private static final double CENTRING = 0.75;

  /** The best copy a segment could be shown: its angles and its appeal. */
  record Best(Set<MessageAngle> angles, double appeal) {}

  private final Audience audience;

  Appeal(Audience audience) {
    this.audience = audience;
  }

  /** Kinds differ in how well they pull on average; copy differs around that. */
  static double kindAppeal(ContentKind kind) {
    return switch (kind) {
      case PRODUCT_DESCRIPTION -> 0.0;
      case AD_COPY -> 0.1;
      case EMAIL -> -0.15;
      case BANNER_TEXT -> -0.05;
      case SEO_DESCRIPTION -> -0.1;
      case ARTICLE -> -0.2;
    };
  }

  /** How wide a title and a body a shopper reads in the kind's slot before giving up. */
  private static int[] slot(ContentKind kind) {
    return switch (kind) {
      case AD_COPY -> new int[] {30, 90};
      case BANNER_TEXT -> new int[] {40, 80};
      case EMAIL -> new int[] {60, 800};
      case SEO_DESCRIPTION -> new int[] {60, 160};
      case PRODUCT_DESCRIPTION -> new int[] {150, 900};
      case ARTICLE -> new int[] {200, 20_000};
    };
  }

  /** Expected appeal (no per-item noise) of copy for one row of {@link Audience}. */
  double expected(CopyReader.Reading reading, ContentKind kind, List<Product> products, int row) {
    int segment = row / Audience.LOCALES.size();
    boolean readsChinese = row % Audience.LOCALES.size() == 1;
    double appeal = kindAppeal(kind) + angleScore(segment, reading.angles());
    int[] slot = slot(kind);
    appeal -= lengthPenalty(reading.titleWidth(), slot[0]);
    appeal -= lengthPenalty(reading.bodyWidth(), slot[1]);
    if (reading.chinese() != readsChinese) {
      appeal -= LANGUAGE_PENALTY;
    }
    if (contradicts(reading, products)) {
      appeal -= FACT_PENALTY;
    }
    return appeal;
  }

  /**
   * The mean weight of the angles the copy carries (copy chasing several at once pulls no harder
   * than its average angle: focused copy wins), less three quarters of the segment's mean weight:
   * copy with no angle loses a little, copy with one angle picked at random gains a little
   * (calibrated so that the stock copy's appeal per kind keeps about the means it had as a hidden
   * number).
   */
  double angleScore(int segment, Set<MessageAngle> angles) {
    double sum = 0;
    for (MessageAngle angle : angles) {
      sum += audience.weight(segment, angle);
    }
    double carried = angles.isEmpty() ? 0 : sum / angles.size();
    return carried - CENTRING * audience.centre(segment);
  }

  /** Copy carrying the best set of angles for the segment, true, in its language, fitting. */
  Best best(int segment, ContentKind kind) {
    MessageAngle[] all = MessageAngle.values();
    Set<MessageAngle> bestAngles = EnumSet.noneOf(MessageAngle.class);
    double bestScore = angleScore(segment, bestAngles);
    for (int mask = 1; mask < 1 << all.length; mask++) {
      Set<MessageAngle> angles = EnumSet.noneOf(MessageAngle.class);
      for (int a = 0; a < all.length; a++) {
        if ((mask & 1 << a) != 0) {
          angles.add(all[a]);
        }
      }
      double score = angleScore(segment, angles);
      if (score > bestScore) {
        bestScore = score;
        bestAngles = angles;
      }
    }
    return new Best(bestAngles, kindAppeal(kind) + bestScore);
  }

  private static double lengthPenalty(int width, int limit) {
    if (width <= limit) {
      return 0;
    }
    return LENGTH_PENALTY + OVERFLOW_PENALTY * Math.min(1, (width - limit) / (double) limit);
  }

  /**
   * True when the copy states a price that is neither a product's price nor its discounted price, a
   * discount the catalogue does not give, or a colour none of the products comes in. Copy for
   * products the catalogue does not know states nothing that can be checked.
   */
  static boolean contradicts(CopyReader.Reading reading, List<Product> products) {
    if (products.isEmpty()) {
      return false;
    }
    List<Double> truePrices = new ArrayList<>();
    List<Integer> trueDiscounts = new ArrayList<>();
    List<String> trueColours = new ArrayList<>();
    for (Product p : products) {
      truePrices.add(p.price());
      int discount = discountOf(p);
      if (discount > 0) {
        trueDiscounts.add(discount);
        truePrices.add(Math.round(p.price() * (100 - discount)) / 100.0);
      }
      String colour = p.attributes().get("colour");
      if (colour != null) {
        trueColours.add(colour);
      }
    }
    for (double stated : reading.prices()) {
      if (truePrices.stream().noneMatch(price -> Math.abs(price - stated) < CENT)) {
        return true;
      }
    }
    if (!trueDiscounts.containsAll(reading.discounts())) {
      return true;
    }
    return !reading.colours().isEmpty()
        && !trueColours.isEmpty()
        && reading.colours().stream().noneMatch(trueColours::contains);
  }

  /** The catalogue's discount in percent (attribute {@code discount_percent}), 0 when none. */
  private static int discountOf(Product product) {
    String value = product.attributes().get("discount_percent");
    if (value == null) {
      return 0;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
