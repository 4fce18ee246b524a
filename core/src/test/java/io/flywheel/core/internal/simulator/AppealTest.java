package io.flywheel.core.internal.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flywheel.core.ContentKind;
import io.flywheel.core.MessageAngle;
import io.flywheel.core.Product;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AppealTest {
  private static final Product LAMP =
      new Product(
          "p1",
          "Norwave Classic Lamp A10",
          List.of("Home", "Decor"),
          "Norwave",
          24.99,
          Map.of("colour", "navy"),
          "A lamp.",
          1L);
  private static final Product ON_SALE =
      new Product(
          "p2",
          "Norwave Lamp B20",
          List.of("Home", "Decor"),
          "Norwave",
          50.0,
          Map.of("colour", "red", "discount_percent", "20"),
          "A lamp.",
          1L);
  private final Appeal appeal = new Appeal(Simulation.audience(7));
  private final int enBargain = Audience.row(Audience.BARGAIN, 0);
  private final int zhBargain = Audience.row(Audience.BARGAIN, 1);

  private double expected(String title, String body, Product product, int row) {
    return appeal.expected(
        CopyReader.read(title, body), ContentKind.AD_COPY, List.of(product), row);
  }

  @Test
  void aWrongPriceCostsTheFactPenaltyAndATrueOneNothing() {
    double truePrice = expected("Norwave lamp", "Yours for $24.99.", LAMP, enBargain);
    double wrongPrice = expected("Norwave lamp", "Yours for $19.99.", LAMP, enBargain);
    assertThat(truePrice - wrongPrice).isCloseTo(Appeal.FACT_PENALTY, within(1e-9));
    assertThat(Appeal.contradicts(CopyReader.read("Lamp", "Yours for $19.99."), List.of(LAMP)))
        .isTrue();
  }

  @Test
  void discountsAndSalePricesAreCheckedAgainstTheCatalogue() {
    assertThat(
            Appeal.contradicts(
                CopyReader.read("20% off", "Now $40.00, was $50.00."), List.of(ON_SALE)))
        .isFalse();
    assertThat(Appeal.contradicts(CopyReader.read("8折", "现价40元"), List.of(ON_SALE))).isFalse();
    assertThat(Appeal.contradicts(CopyReader.read("30% off", "Now $35.00."), List.of(ON_SALE)))
        .isTrue();
    assertThat(Appeal.contradicts(CopyReader.read("Save 10%", "Lamp."), List.of(LAMP))).isTrue();
    assertThat(Appeal.contradicts(CopyReader.read("Lamp", "In red."), List.of(LAMP))).isTrue();
    assertThat(Appeal.contradicts(CopyReader.read("Lamp", "In navy."), List.of(LAMP))).isFalse();
  }

  @Test
  void copyInTheOtherLanguageScoresLowerForEachReader() {
    String[] english = {"Save on the Norwave lamp", "Great value at $24.99."};
    String[] chinese = {"Norwave台灯超值之选", "只需¥24.99，实惠之选。"};
    assertThat(expected(english[0], english[1], LAMP, enBargain))
        .isGreaterThan(expected(english[0], english[1], LAMP, zhBargain));
    assertThat(expected(chinese[0], chinese[1], LAMP, zhBargain))
        .isGreaterThan(expected(chinese[0], chinese[1], LAMP, enBargain));
    // Both carry savings: each reader takes its own language's version equally well.
    assertThat(expected(english[0], english[1], LAMP, enBargain))
        .isCloseTo(expected(chinese[0], chinese[1], LAMP, zhBargain), within(1e-9));
  }

  @Test
  void copyTooLongForTheSlotLosesAppeal() {
    String body = "Great value at $24.99.";
    double fits = expected("Save on the lamp", body, LAMP, enBargain);
    double tooLong =
        expected(
            "Save on the lamp",
            body + " And so much more to say about it.".repeat(5),
            LAMP,
            enBargain);
    assertThat(fits - tooLong).isGreaterThanOrEqualTo(Appeal.LENGTH_PENALTY);
  }

  @Test
  void segmentsWantDifferentAnglesInEveryWorld() {
    for (long seed = 1; seed <= 20; seed++) {
      Appeal world = new Appeal(Simulation.audience(seed));
      Set<MessageAngle> bargain = world.best(Audience.BARGAIN, ContentKind.AD_COPY).angles();
      Set<MessageAngle> loyal = world.best(Audience.LOYAL, ContentKind.AD_COPY).angles();
      Set<MessageAngle> newcomers = world.best(Audience.NEW, ContentKind.AD_COPY).angles();
      assertThat(bargain).as("seed %d", seed).contains(MessageAngle.SAVINGS);
      assertThat(loyal).as("seed %d", seed).containsAnyOf(MessageAngle.BRAND, MessageAngle.QUALITY);
      // Worlds vary around the profiles: newcomers are reassured by trust or by other shoppers.
      assertThat(newcomers)
          .as("seed %d", seed)
          .containsAnyOf(MessageAngle.TRUST, MessageAngle.SOCIAL_PROOF);
      assertThat(new HashSet<>(List.of(bargain, loyal, newcomers))).hasSize(3);
      // Focused copy wins: the best copy for each segment leads with a single angle.
      assertThat(world.best(Audience.MAINSTREAM, ContentKind.AD_COPY).angles()).hasSize(1);
      // The best single angle differs between bargain hunters and newcomers.
      assertThat(best(world, Audience.BARGAIN)).isNotEqualTo(best(world, Audience.NEW));
    }
  }

  @Test
  void worldsDrawTheirOwnWeights() {
    Audience a = Simulation.audience(1);
    Audience b = Simulation.audience(2);
    assertThat(a.weight(Audience.BARGAIN, MessageAngle.SAVINGS))
        .isNotEqualTo(b.weight(Audience.BARGAIN, MessageAngle.SAVINGS));
    assertThat(Simulation.audience(1).weight(Audience.LOYAL, MessageAngle.BRAND))
        .isEqualTo(a.weight(Audience.LOYAL, MessageAngle.BRAND));
  }

  private static MessageAngle best(Appeal world, int segment) {
    MessageAngle best = null;
    double top = Double.NEGATIVE_INFINITY;
    for (MessageAngle angle : MessageAngle.values()) {
      double score = world.angleScore(segment, Set.of(angle));
      if (score > top) {
        top = score;
        best = angle;
      }
    }
    return best;
  }
}
