package io.flywheel.core.internal.simulator;

import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.CopyAppeal;
import io.flywheel.core.Product;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads copy as a world's audiences would: what {@link CopyAppeal} reports. */
public final class CopyJudge {
  private CopyJudge() {}

  public static CopyAppeal.Report judge(long seed, List<Product> products, List<ContentItem> copy) {
    Appeal appeal = new Appeal(Simulation.audience(seed));
    // The oracle depends only on the audience and the kind: found once for each.
    Map<ContentKind, Map<Integer, Appeal.Best>> oracles =
        new java.util.EnumMap<>(ContentKind.class);
    Oracles best =
        (segment, kind) ->
            oracles
                .computeIfAbsent(kind, k -> new java.util.HashMap<>())
                .computeIfAbsent(segment, s -> appeal.best(s, kind));
    Map<String, Product> byId =
        products.stream().collect(Collectors.toMap(Product::id, Function.identity(), (a, b) -> a));
    int rows = Audience.rows();
    double[] expectedSum = new double[rows];
    double[] oracleSum = new double[rows];
    int[] counted = new int[rows];
    List<CopyAppeal.ItemAppeal> items = new ArrayList<>();
    for (ContentItem item : copy) {
      CopyReader.Reading reading = CopyReader.read(item.title(), item.body());
      List<Product> about =
          item.productIds().stream().map(byId::get).filter(p -> p != null).toList();
      Map<String, Double> expected = new LinkedHashMap<>();
      Map<String, Double> oracle = new LinkedHashMap<>();
      for (int row = 0; row < rows; row++) {
        double e = Latent.round6(appeal.expected(reading, item.kind(), about, row));
        double o = Latent.round6(best.get(segment(row), item.kind()).appeal());
        expected.put(Audience.rowName(row), e);
        oracle.put(Audience.rowName(row), o);
        if (locale(row).equals(item.locale())) {
          expectedSum[row] += e;
          oracleSum[row] += o;
          counted[row]++;
        }
      }
      items.add(
          new CopyAppeal.ItemAppeal(
              item.id(),
              item.kind(),
              item.locale(),
              List.copyOf(reading.angles()),
              Appeal.contradicts(reading, about),
              expected,
              oracle));
    }
    List<CopyAppeal.AudienceAppeal> audiences = new ArrayList<>();
    for (int row = 0; row < rows; row++) {
      int n = counted[row];
      double meanExpected = n == 0 ? 0 : Latent.round6(expectedSum[row] / n);
      double meanOracle = n == 0 ? 0 : Latent.round6(oracleSum[row] / n);
      audiences.add(
          new CopyAppeal.AudienceAppeal(
              Audience.rowName(row),
              locale(row),
              n,
              meanExpected,
              meanOracle,
              Latent.round6(meanOracle - meanExpected),
              List.copyOf(
                  appeal.best(segment(row), io.flywheel.core.ContentKind.AD_COPY).angles())));
    }
    return new CopyAppeal.Report(seed, audiences, items);
  }

  private interface Oracles {
    Appeal.Best get(int segment, ContentKind kind);
  }

  private static int segment(int row) {
    return row / Audience.LOCALES.size();
  }

  private static String locale(int row) {
    return Audience.LOCALES.get(row % Audience.LOCALES.size());
  }
}
