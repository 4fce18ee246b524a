package io.flywheel.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.experiments.ArmAssigner;
import io.flywheel.experiments.ConversionExperiment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running experiment decides each shopper's arm (sticky, as the experiment's own assigner says),
 * the arm's treatment is applied (popularity ranking skips the ranker), and every impression and
 * item carries the experiment and arm; when it stops, shoppers are served as control again.
 */
class DeliveryExperimentTest {
  @TempDir static Path dir;
  static DeliveryWorld world;

  static final ConversionExperiment RANKING =
      ConversionExperiment.parse(
          """
          id: ranking-test
          arms:
            - {name: model, weight: 1, treatment: {ranking: model}}
            - {name: popular, weight: 1, treatment: {ranking: popularity}}
          targeting: {slots: [home]}
          """);

  @BeforeAll
  static void start() throws Exception {
    world = new DeliveryWorld(dir);
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  @Test
  void aPromotedTreatmentServesEveryoneOutsideAndArmsChangeItKeyByKey() throws Exception {
    Path log = dir.resolve("events").resolve("promoted.jsonl");
    AtomicReference<List<ConversionExperiment>> running = new AtomicReference<>(List.of());
    AtomicReference<Map<String, String>> promoted =
        new AtomicReference<>(Map.of("ranking", "popularity"));
    try (DeliveryService service =
        world
            .service(ImpressionLog.file(log))
            .runningExperiments(
                () ->
                    running.get().stream()
                        .map(io.flywheel.experiments.ExperimentCatalog.Entry::runningNow)
                        .toList(),
                promoted::get,
                0,
                Duration.ZERO)
            .build()) {
      Recommendation outside =
          service.recommend(
              new RecommendationRequest(
                  "u-promo-0", Slot.HOME, 4, null, null, null, null, DeliveryWorld.NOW));
      // Popularity was promoted: no ranker asked, and the shopper is in no experiment.
      assertThat(outside.model()).isNull();
      assertThat(outside.fallbacks()).isEmpty();
      assertThat(outside.items())
          .allSatisfy(
              i -> {
                assertThat(i.experiment()).isNull();
                assertThat(i.arm()).isEqualTo("control");
              });
      // An experiment's arm that asks for the model overrides the promoted ranking.
      running.set(List.of(RANKING));
      ArmAssigner truth = new ArmAssigner(RANKING, 0);
      for (int i = 0; i < 20; i++) {
        String user = "u-promo-" + i;
        Recommendation r =
            service.recommend(
                new RecommendationRequest(
                    user, Slot.HOME, 4, null, null, null, null, DeliveryWorld.NOW));
        boolean model = truth.assign(user).orElseThrow().name().equals("model");
        assertThat(r.model() != null).as(user).isEqualTo(model);
      }
      // Nothing promoted: the ranker serves everyone outside again.
      running.set(List.of());
      promoted.set(Map.of());
      assertThat(
              service
                  .recommend(
                      new RecommendationRequest(
                          "u-promo-0", Slot.HOME, 4, null, null, null, null, DeliveryWorld.NOW))
                  .model())
          .isNotNull();
    }
  }

  @Test
  void aModelVersionArmIsScoredByThatVersionWhileTheRolloutServesIt() throws Exception {
    // v2 joins as a 1 % canary: served, so an arm may ask for it for all of its shoppers.
    world
        .rollout()
        .deploy(
            DeliveryWorld.MODEL,
            2,
            world.dir.resolve("ranker.json"),
            new io.flywheel.deploy.ServingMetadata(
                DeliveryWorld.MODEL,
                2,
                "run-2",
                "ctr",
                DeliveryWorld.featureNames(),
                1.0,
                "2026-01-06/2026-01-08"),
            1);
    ConversionExperiment versions =
        ConversionExperiment.parse(
            """
            id: ranker-v2
            arms:
              - {name: champion, weight: 1, treatment: {model_version: "1"}}
              - {name: challenger, weight: 1, treatment: {model_version: "2"}}
              - {name: retired, weight: 1, treatment: {model_version: "9"}}
            """);
    ArmAssigner truth = new ArmAssigner(versions, 0);
    Map<String, Integer> seen = new HashMap<>();
    try (DeliveryService service =
        world
            .service(ImpressionLog.file(dir.resolve("events").resolve("versions.jsonl")))
            .experiments(() -> List.of(versions), Duration.ZERO)
            .build()) {
      for (int i = 0; i < 60; i++) {
        String user = "u-version-" + i;
        Recommendation r =
            service.recommend(
                new RecommendationRequest(
                    user, Slot.HOME, 3, null, null, null, null, DeliveryWorld.NOW));
        String arm = truth.assign(user).orElseThrow().name();
        seen.merge(arm, 1, Integer::sum);
        switch (arm) {
          case "champion" -> assertThat(r.model()).isEqualTo(DeliveryWorld.MODEL + "/1");
          case "challenger" -> assertThat(r.model()).isEqualTo(DeliveryWorld.MODEL + "/2");
          default -> {
            // Not served: the rollout's choice answers, and the answer says so.
            assertThat(r.model()).startsWith(DeliveryWorld.MODEL + "/");
            assertThat(r.fallbacks()).contains(DeliveryService.ARM_MODEL);
          }
        }
      }
    } finally {
      world.rollout().rollback(DeliveryWorld.MODEL, "test over");
    }
    assertThat(seen).containsOnlyKeys("champion", "challenger", "retired");
  }

  @Test
  void aRampUpAndTheGlobalHoldoutDecideWhoIsExposed() throws Exception {
    ConversionExperiment ramped =
        ConversionExperiment.parse(
            """
            id: ramped
            arms:
              - {name: model, weight: 1, treatment: {ranking: model}}
              - {name: popular, weight: 1, treatment: {ranking: popularity}}
            ramp: [{after: 0h, share: 0.1}, {after: 1d, share: 1.0}]
            """);
    Path log = dir.resolve("events").resolve("ramped.jsonl");
    AtomicReference<Long> startedAt = new AtomicReference<>(DeliveryWorld.NOW);
    ArmAssigner truth = new ArmAssigner(ramped, 0.2);
    try (DeliveryService service =
        world
            .service(ImpressionLog.file(log))
            .runningExperiments(
                () ->
                    List.of(
                        new io.flywheel.experiments.ExperimentCatalog.Entry(
                            ramped, "running", startedAt.get(), null)),
                Map::of,
                0.2,
                Duration.ZERO)
            .build()) {
      for (long since : new long[] {0, 2 * 86_400_000L}) {
        startedAt.set(DeliveryWorld.NOW - since);
        int exposed = 0;
        for (int i = 0; i < 300; i++) {
          String user = "u-ramp-" + i;
          Recommendation r =
              service.recommend(
                  new RecommendationRequest(
                      user, Slot.HOME, 2, null, null, null, null, DeliveryWorld.NOW));
          var arm = truth.assign(user, since);
          assertThat(r.items().get(0).experiment()).isEqualTo(arm.isPresent() ? "ramped" : null);
          exposed += arm.isPresent() ? 1 : 0;
        }
        // 10 % of the 80 % not held out at the start (≈ 24), all of them two days in (≈ 240).
        if (since == 0) {
          assertThat(exposed).isBetween(8, 45);
        } else {
          assertThat(exposed).isBetween(200, 280);
        }
      }
    }
  }

  @Test
  void eachShopperIsServedAndLoggedUnderTheirArm() throws Exception {
    Path log = dir.resolve("events").resolve("experiment.jsonl");
    AtomicReference<List<ConversionExperiment>> running = new AtomicReference<>(List.of(RANKING));
    ArmAssigner truth = new ArmAssigner(RANKING, 0);
    Map<String, Integer> perArm = new HashMap<>();
    List<Recommendation> answers = new ArrayList<>();
    try (DeliveryService service =
        world.service(ImpressionLog.file(log)).experiments(running::get, Duration.ZERO).build()) {
      for (int i = 0; i < 60; i++) {
        String user = "u-exp-" + i;
        Recommendation r =
            service.recommend(
                new RecommendationRequest(
                    user, Slot.HOME, 4, null, null, null, null, DeliveryWorld.NOW));
        String arm = truth.assign(user).orElseThrow().name();
        perArm.merge(arm, 1, Integer::sum);
        assertThat(r.items()).isNotEmpty();
        for (RecommendedItem item : r.items()) {
          assertThat(item.experiment()).isEqualTo("ranking-test");
          assertThat(item.arm()).isEqualTo(arm);
        }
        // The popularity arm never asks the ranker, and that is not a fallback.
        assertThat(r.model() == null).isEqualTo(arm.equals("popular"));
        assertThat(r.fallbacks()).isEmpty();
        answers.add(r);
      }
      assertThat(perArm).containsOnlyKeys("model", "popular");

      running.set(List.of());
      Recommendation after =
          service.recommend(
              new RecommendationRequest(
                  "u-exp-0", Slot.HOME, 4, null, null, null, null, DeliveryWorld.NOW));
      assertThat(after.items()).allSatisfy(i -> assertThat(i.arm()).isEqualTo("control"));
      assertThat(after.items()).allSatisfy(i -> assertThat(i.experiment()).isNull());
    }
    List<Event> logged = new ArrayList<>();
    JsonLinesReader.forEach(log, Codecs.EVENTS, logged::add);
    for (Recommendation r : answers) {
      List<Event> mine = logged.stream().filter(e -> r.requestId().equals(e.requestId())).toList();
      assertThat(mine).hasSize(r.items().size());
      assertThat(mine)
          .allSatisfy(
              e -> {
                assertThat(e.experimentId()).isEqualTo("ranking-test");
                assertThat(e.arm()).isEqualTo(r.items().get(0).arm());
              });
    }
  }
}
