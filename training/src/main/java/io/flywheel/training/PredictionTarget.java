package io.flywheel.training;

import io.flywheel.featurestore.TrainingExample;
import java.util.Locale;

/**
 * What a model predicts, and from which examples: the shop's response funnel. The name is what the
 * CLI and the registry call the model.
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
    return includes(x.clicked());
  }

  public boolean includes(boolean clicked) {
    return this != CVR_POST_CLICK || clicked;
  }

  /** The positive outcome (for RANK: any response). */
  public boolean positive(TrainingExample x) {
    return positive(x.clicked(), x.purchased());
  }

  public boolean positive(boolean clicked, boolean purchased) {
    return switch (this) {
      case CTR -> clicked;
      case CVR, CVR_POST_CLICK -> purchased;
      case RANK -> clicked || purchased;
    };
  }

  /** The label XGBoost learns: 0/1, or the graded relevance for RANK. */
  public float label(TrainingExample x) {
    return label(x.clicked(), x.purchased());
  }

  public float label(boolean clicked, boolean purchased) {
    if (this == RANK) {
      return purchased ? 2 : clicked ? 1 : 0;
    }
    return positive(clicked, purchased) ? 1 : 0;
  }

  /** As above for a row of a training table. */
  boolean includes(TrainingTable t, int row) {
    return includes(t.clicked(row));
  }

  boolean positive(TrainingTable t, int row) {
    return positive(t.clicked(row), t.purchased(row));
  }

  float label(TrainingTable t, int row) {
    return label(t.clicked(row), t.purchased(row));
  }

  public static PredictionTarget of(String name) {
    for (PredictionTarget t : values()) {
      if (t.modelName.equals(name.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "model: one of ctr, cvr, cvr-post-click, rank; got '" + name + "'");
  }
}
