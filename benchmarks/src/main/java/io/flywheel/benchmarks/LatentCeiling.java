package io.flywheel.benchmarks;

import io.flywheel.core.Codecs;
import io.flywheel.core.GroundTruth;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.Product;
import io.flywheel.evaluation.ClassificationMetrics;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import io.flywheel.training.ModelTrainer;
import io.flywheel.training.OracleScores;
import io.flywheel.training.PredictionTarget;
import io.flywheel.training.ScoringModel;
import io.flywheel.training.TrainingTable;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How close a CTR model can get to the oracle on a simulated world: the same XGBoost on the same
 * split, once with the store's features and once also given the simulator's hidden truth about each
 * impression (the shopper's real interest in the shown product's category, the product's quality,
 * the copy's appeal, brand match, price sensitivity). When even the second stays below a quality
 * target, the target asks for more than the data can tell, not for a better model.
 */
public final class LatentCeiling {
  static final List<String> LATENTS =
      List.of(
          "latent__category_interest",
          "latent__product_quality",
          "latent__content_appeal",
          "latent__brand_match",
          "latent__price_sensitivity_x_price",
          "latent__activity");

  private LatentCeiling() {}

  /** AUCs on the held-out rows: store features only, with the latents too, and the oracle's. */
  public record Result(
      int heldOutRows, double storeFeaturesAuc, double withLatentsAuc, double oracleAuc) {
    public double storeFeaturesRatio() {
      return storeFeaturesAuc / oracleAuc;
    }

    public double withLatentsRatio() {
      return withLatentsAuc / oracleAuc;
    }
  }

  public static Result measure(Path home, Path truthFile, ModelTrainer.Options options)
      throws Exception {
    Map<String, GroundTruth.UserTruth> users = new HashMap<>();
    Map<String, Double> quality = new HashMap<>();
    Map<String, Double> appeal = new HashMap<>();
    JsonLinesReader.forEach(
        truthFile,
        Codecs.TRUTH,
        t -> {
          if (t instanceof GroundTruth.UserTruth u) {
            users.put(u.userId(), u);
          } else if (t instanceof GroundTruth.ProductTruth p) {
            quality.put(p.productId(), p.quality());
          } else if (t instanceof GroundTruth.ContentTruth c) {
            appeal.put(c.contentId(), c.appeal());
          }
        });
    ShopCatalog catalog = ShopCatalog.ofHome(home);
    TrainingTable.Builder plain = TrainingTable.builder(catalog);
    TrainingTable.Builder latent =
        TrainingTable.builder(catalog)
            .extraColumns(LATENTS, x -> latents(x, users, quality, appeal, catalog));
    FeatureStore.offline(home)
        .forEachTrainingExample(
            LocalDate.MIN,
            LocalDate.MAX,
            x -> {
              plain.accept(x);
              latent.accept(x);
            });
    ScoringModel storeOnly =
        ModelTrainer.train(
            plain.build(), PredictionTarget.CTR, options, ModelTrainer.Engine.local());
    ScoringModel informed =
        ModelTrainer.train(
            latent.build(), PredictionTarget.CTR, options, ModelTrainer.Engine.local());
    ModelTrainer.Validation a = storeOnly.validation();
    ModelTrainer.Validation b = informed.validation();
    if (!a.eventIds().equals(b.eventIds())) {
      throw new IllegalStateException(
          "latent ceiling: the two models were judged on different " + "rows");
    }
    double[] oracle = OracleScores.of(truthFile, a.eventIds(), PredictionTarget.CTR);
    boolean[] known = new boolean[oracle.length];
    int n = 0;
    for (int i = 0; i < oracle.length; i++) {
      known[i] = !Double.isNaN(oracle[i]);
      n += known[i] ? 1 : 0;
    }
    return new Result(
        n,
        auc(a.predictions(), a.positives(), known),
        auc(b.predictions(), b.positives(), known),
        auc(oracle, a.positives(), known));
  }

  private static double auc(double[] scores, boolean[] positives, boolean[] keep) {
    int n = 0;
    for (boolean k : keep) {
      n += k ? 1 : 0;
    }
    double[] s = new double[n];
    boolean[] p = new boolean[n];
    for (int i = 0, j = 0; i < scores.length; i++) {
      if (keep[i]) {
        s[j] = scores[i];
        p[j++] = positives[i];
      }
    }
    return ClassificationMetrics.rocAuc(s, p);
  }

  private static float[] latents(
      TrainingExample x,
      Map<String, GroundTruth.UserTruth> users,
      Map<String, Double> quality,
      Map<String, Double> appeal,
      ShopCatalog catalog) {
    float[] out = new float[LATENTS.size()];
    Arrays.fill(out, Float.NaN);
    GroundTruth.UserTruth user = users.get(x.userId());
    Product product = catalog.product(x.productId()).orElse(null);
    if (user != null && product != null) {
      String leaf = product.categoryPath().get(product.categoryPath().size() - 1);
      out[0] = user.categoryAffinity().getOrDefault(leaf, 0.0).floatValue();
      out[3] =
          product.brand() != null && product.brand().equals(user.favouriteBrand())
              ? (float) user.brandLoyalty()
              : 0f;
      double median = catalog.medianPriceOfLeaf(product);
      out[4] =
          product.price() > 0 && median > 0
              ? (float) (user.priceSensitivity() * Math.log(product.price() / median))
              : Float.NaN;
    }
    if (user != null) {
      out[5] = (float) user.activity();
    }
    Double q = quality.get(x.productId());
    out[1] = q == null ? Float.NaN : q.floatValue();
    Double c = appeal.get(x.contentId());
    out[2] = c == null ? Float.NaN : c.floatValue();
    return out;
  }
}
