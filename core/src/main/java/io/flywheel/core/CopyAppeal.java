package io.flywheel.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.flywheel.core.internal.simulator.CopyJudge;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the shoppers of a simulated world would take any set of copy: for each audience (a segment
 * and the language it reads, e.g. {@code bargain/en-US}), the appeal each item can be expected to
 * add to a click, and the appeal of the best copy that could have been written for the same slot
 * (the oracle: the angles that audience weighs most, true facts, its language, a fitting length).
 * The world is rebuilt from its seed; the shoppers' weights stay hidden, only appeals come out.
 */
public final class CopyAppeal {

  /**
   * One item as each audience reads it.
   *
   * @param angles the message angles the simulator read in its words
   * @param contradictsCatalogue true when it states a price, discount or colour the catalogue does
   *     not have (shoppers who click it may complain)
   * @param expected audience → expected appeal (log-odds added to a click; noise excluded)
   * @param oracle audience → the best possible appeal for the item's kind
   */
  public record ItemAppeal(
      String contentId,
      ContentKind kind,
      String locale,
      List<MessageAngle> angles,
      boolean contradictsCatalogue,
      Map<String, Double> expected,
      Map<String, Double> oracle) {}

  /**
   * One audience over the items written in its language.
   *
   * @param items how many items are in the audience's locale
   * @param gap mean oracle minus mean expected: what better copy could still gain
   * @param bestAngles the angles of the oracle copy
   */
  public record AudienceAppeal(
      String audience,
      String locale,
      int items,
      double meanExpected,
      double meanOracle,
      double gap,
      List<MessageAngle> bestAngles) {}

  /** The judged copy: per audience, then per item. */
  public record Report(long seed, List<AudienceAppeal> audiences, List<ItemAppeal> items) {}

  private CopyAppeal() {}

  /**
   * Judges {@code copy} in the world of {@code world} (only its seed shapes how copy is read),
   * checking the facts it states against {@code products}.
   */
  public static Report judge(
      SimulationConfig world, List<Product> products, List<ContentItem> copy) {
    return CopyJudge.judge(world.seed(), products, copy);
  }

  /**
   * Judges {@code copy} in the world a simulator run wrote to {@code worldDir}: its seed from
   * {@code summary.json}, its catalogue from {@code products.jsonl}.
   */
  public static Report judge(Path worldDir, List<ContentItem> copy) throws IOException {
    Path summary = worldDir.resolve(MarketplaceSimulator.SUMMARY_FILE);
    JsonNode seed = Codecs.MAPPER.readTree(summary.toFile()).get("seed");
    if (seed == null || !seed.canConvertToLong()) {
      throw new InvalidRecordException("seed", "missing from " + summary);
    }
    List<Product> products = new ArrayList<>();
    JsonLinesReader.forEach(
        worldDir.resolve(MarketplaceSimulator.PRODUCTS_FILE), Codecs.PRODUCTS, products::add);
    return CopyJudge.judge(seed.asLong(), products, copy);
  }
}
