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
  @JsonSubTypes.Type(value = GroundTruth.ContentTruth.class, name = "content"),
  @JsonSubTypes.Type(value = GroundTruth.SegmentTruth.class, name = "segment"),
  @JsonSubTypes.Type(value = GroundTruth.SearchTruth.class, name = "search")
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
   * @param appeal what the copy added to this shopper's click log-odds, as the shopper read it
   *     (absent from truth written before the simulator read copy)
   */
  record ImpressionTruth(
      String eventId,
      String requestId,
      String contentId,
      double pClick,
      double pPurchase,
      Double appeal)
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

    /** An impression whose copy appeal was not recorded. */
    public ImpressionTruth(
        String eventId, String requestId, String contentId, double pClick, double pPurchase) {
      this(eventId, requestId, contentId, pClick, pPurchase, null);
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
   * @param segment the audience whose message-angle weights the shopper reads copy with (see {@link
   *     SegmentTruth}); absent from older truth
   * @param locale the language the shopper reads ({@code en-US}, {@code zh-CN}); absent from older
   *     truth
   */
  record UserTruth(
      String userId,
      Map<String, Double> categoryAffinity,
      double priceSensitivity,
      String favouriteBrand,
      double brandLoyalty,
      double activity,
      String segment,
      String locale)
      implements GroundTruth {
    public UserTruth {
      require(userId != null, "userId", "is required");
      categoryAffinity = categoryAffinity == null ? Map.of() : categoryAffinity;
      require(favouriteBrand != null, "favouriteBrand", "is required");
    }

    /** A shopper from truth written before segments and locales. */
    public UserTruth(
        String userId,
        Map<String, Double> categoryAffinity,
        double priceSensitivity,
        String favouriteBrand,
        double brandLoyalty,
        double activity) {
      this(
          userId,
          categoryAffinity,
          priceSensitivity,
          favouriteBrand,
          brandLoyalty,
          activity,
          null,
          null);
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

  /**
   * A copy variant's latent appeal (added to the click log-odds): since the simulator reads copy,
   * the average over shoppers of what each segment reads in it (each impression's own is in {@link
   * ImpressionTruth#appeal()}).
   */
  record ContentTruth(String contentId, double appeal) implements GroundTruth {
    public ContentTruth {
      require(contentId != null, "contentId", "is required");
    }

    public String kind() {
      return "content";
    }
  }

  /**
   * How much an audience segment weighs each message angle: copy carrying an angle adds its weight
   * to the click log-odds of the segment's shoppers.
   *
   * @param share the share of shoppers in the segment
   * @param angleWeights message angle (wire name) → weight
   */
  record SegmentTruth(String segment, double share, Map<String, Double> angleWeights)
      implements GroundTruth {
    public SegmentTruth {
      require(segment != null, "segment", "is required");
      angleWeights = angleWeights == null ? Map.of() : angleWeights;
    }

    public String kind() {
      return "segment";
    }
  }

  /**
   * The intent behind one search event and the products that satisfied it when it was typed: a
   * search ranking is judged against these grades.
   *
   * @param eventId the search event in {@code events.jsonl}
   * @param intent what the shopper wanted, e.g. {@code leaf=Audio brand=Norwave}
   * @param relevance product id → graded relevance (2: exactly what was asked for, 1: partly)
   */
  record SearchTruth(
      String eventId, String query, String locale, String intent, Map<String, Integer> relevance)
      implements GroundTruth {
    public SearchTruth {
      require(eventId != null, "eventId", "is required");
      require(query != null, "query", "is required");
      relevance = relevance == null ? Map.of() : relevance;
    }

    public String kind() {
      return "search";
    }
  }
}
