package io.flywheel.flink;

import io.flywheel.featurestore.TrainingExample;
import java.util.Locale;

/**
 * What a model predicts, and from which examples: the shop's response funnel. The name is what
 * the CLI and the registry call the model.
 */
public enum PredictionTarget {
  /** P(click | impression). */
  CTR("ctr", "click | impression"),
  /** P(purchase | impression): clicks and purchases at once, the marketer's conversion. */
  CVR("cvr", "purchase | impression"),
  /** P(purchase | click): trained on clicked impressions only. */
  CVR_POST_CLICK("cvr-post-click", "purchase | click"),
  /** An ordering of the items of one request (rank:ndcg; purchase 2, click 1, nothing 0). */
  RANK("rank", "ordering per request (rank:ndcg)");

  private final String modelName;
  private final String meaning;

  PredictionTarget(String modelName, String meaning) {
    this.modelName = modelName;
    this.meaning = meaning;
  }

  public String modelName() {
    return modelName;
  }

  public String meaning() {
    return meaning;
  }

  public boolean ranking() {
    return this == RANK;
  }

  /** Whether this example belongs to the target's population. */
  public boolean includes(TrainingExample x) {
    return this != CVR_POST_CLICK || x.clicked();
  }

  /** The positive outcome (for RANK: any response). */
  public boolean positive(TrainingExample x) {
    return switch (this) {
      case CTR -> x.clicked();
      case CVR, CVR_POST_CLICK -> x.purchased();
      case RANK -> x.clicked() || x.purchased();
    };
  }

  /** The label XGBoost learns: 0/1, or the graded relevance for RANK. */
  public float label(TrainingExample x) {
    if (this == RANK) {
      return x.purchased() ? 2 : x.clicked() ? 1 : 0;
    }
    return positive(x) ? 1 : 0;
  }

  public static PredictionTarget of(String name) {
    for (PredictionTarget t : values()) {
      if (t.modelName.equals(name.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new IllegalArgumentException("model: one of ctr, cvr, cvr-post-click, rank; got '"
        + name + "'");
  }
}
