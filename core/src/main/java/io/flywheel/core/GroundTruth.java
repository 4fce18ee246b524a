package io.flywheel.core;

import static io.flywheel.core.InvalidRecordException.require;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/**
 * What the marketplace simulator knows and a real shop never does: the latent preferences behind
 * every shopper and the true probabilities behind every impression. Written to {@code truth.jsonl},
 * one record per line, told apart by {@code kind}. It is what lets every model be judged against
 * the best possible one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = GroundTruth.ImpressionTruth.class, name = "impression"),
  @JsonSubTypes.Type(value = GroundTruth.UserTruth.class, name = "user"),
  @JsonSubTypes.Type(value = GroundTruth.ProductTruth.class, name = "product"),
  @JsonSubTypes.Type(value = GroundTruth.ContentTruth.class, name = "content")
})
public sealed interface GroundTruth {

  /** The {@code kind} written on each line (the name {@link JsonSubTypes} gives the record). */
  String kind();

  /**
   * True click and purchase probabilities of one impression (its event, with user, product,
   * position and time, is the line of {@code events.jsonl} with the same {@code eventId}).
   *
   * @param pPurchase probability that the impression leads to a purchase through its tracking link
   *     (click, then add to cart, then purchase)
   */
  record ImpressionTruth(
      String eventId, String requestId, String contentId, double pClick, double pPurchase)
      implements GroundTruth {
    public ImpressionTruth {
      require(eventId != null, "eventId", "is required");
      require(requestId != null, "requestId", "is required");
      require(contentId != null, "contentId", "is required");
      require(
          pClick >= 0 && pClick <= 1, "pClick", "must be a probability in [0, 1], got ", pClick);
      require(
          pPurchase >= 0 && pPurchase <= 1,
          "pPurchase",
          "must be a probability in [0, 1], got ",
          pPurchase);
    }

    public String kind() {
      return "impression";
    }
  }

  /**
   * A shopper's latent preferences.
   *
   * @param categoryAffinity leaf category → share of interest; categories below the simulator's
   *     affinity floor all behave alike and are left out
   * @param priceSensitivity how strongly price above the category median deters a purchase
   * @param brandLoyalty bonus applied to the favourite brand, 0 (none) to 1
   * @param activity expected sessions per day
   */
  record UserTruth(
      String userId,
      Map<String, Double> categoryAffinity,
      double priceSensitivity,
      String favouriteBrand,
      double brandLoyalty,
      double activity)
      implements GroundTruth {
    public UserTruth {
      require(userId != null, "userId", "is required");
      categoryAffinity = categoryAffinity == null ? Map.of() : categoryAffinity;
      require(favouriteBrand != null, "favouriteBrand", "is required");
    }

    public String kind() {
      return "user";
    }
  }

  /** A product's latent quality (standard-normal scale). */
  record ProductTruth(String productId, double quality) implements GroundTruth {
    public ProductTruth {
      require(productId != null, "productId", "is required");
    }

    public String kind() {
      return "product";
    }
  }

  /** A copy variant's latent appeal (added to the click log-odds). */
  record ContentTruth(String contentId, double appeal) implements GroundTruth {
    public ContentTruth {
      require(contentId != null, "contentId", "is required");
    }

    public String kind() {
      return "content";
    }
  }
}
