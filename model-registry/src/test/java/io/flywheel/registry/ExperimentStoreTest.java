package io.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.ExperimentTag;

/** {@link ExperimentStore} on its own H2 file, without HTTP. */
class ExperimentStoreTest {
  @TempDir Path folder;
  private TrackingStore store;
  private ExperimentStore experiments;

  @BeforeEach
  void open() {
    store = new TrackingStore(folder);
    experiments = store.experiments;
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void createsExperimentsWithIdsInOrderBesideTheDefault() {
    assertThat(experiments.get("0").getName()).isEqualTo("Default");
    String ctr = experiments.create("ctr", "", Map.of("team", "ads", "owner", "kim"));
    String cvr = experiments.create("cvr", "s3://bucket/cvr", Map.of());
    assertThat(ctr).isEqualTo("1");
    assertThat(cvr).isEqualTo("2");

    Experiment e = experiments.get(ctr);
    assertThat(e.getName()).isEqualTo("ctr");
    assertThat(e.getArtifactLocation()).isEqualTo("mlflow-artifacts:/1");
    assertThat(e.getLifecycleStage()).isEqualTo("active");
    assertThat(e.getTagsList()).extracting(ExperimentTag::getKey).containsExactly("owner", "team");
    assertThat(experiments.byName("cvr").getArtifactLocation()).isEqualTo("s3://bucket/cvr");
  }

  @Test
  void refusesDuplicatesBadIdsAndUnknownExperiments() {
    experiments.create("ctr", null, Map.of());
    assertThatThrownBy(() -> experiments.create("ctr", null, Map.of()))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_ALREADY_EXISTS));
    assertThatThrownBy(() -> experiments.create("", null, Map.of()))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.INVALID_PARAMETER_VALUE));
    assertThatThrownBy(() -> experiments.get("abc"))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.INVALID_PARAMETER_VALUE))
        .hasMessageContaining("not an experiment id");
    assertThatThrownBy(() -> experiments.get("42"))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST));
    assertThatThrownBy(() -> experiments.byName("nope"))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST));
    assertThatThrownBy(() -> experiments.setTag("42", "k", "v"))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST));
  }

  @Test
  void aRejectedCreateWritesNothing() {
    String tooLong = "x".repeat(Validation.MAX_TAG_VALUE_LENGTH + 1);
    assertThatThrownBy(() -> experiments.create("ctr", null, Map.of("k", tooLong)))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("tags.value");
    assertThatThrownBy(() -> experiments.byName("ctr")).isInstanceOf(MlflowError.class);
    assertThat(experiments.create("ctr", null, Map.of())).isEqualTo("1");
  }

  @Test
  void searchesByTagsAndAttributesAndHidesDeletedUnlessAsked() {
    String ctr = experiments.create("ctr-model", null, Map.of("team", "ads"));
    String cvr = experiments.create("cvr-model", null, Map.of("team", "growth"));
    experiments.create("rank", null, Map.of("team", "ads"));

    assertThat(names(experiments.search(SearchFilter.parse("tags.team = 'ads'"), false)))
        .containsExactly("ctr-model", "rank");
    assertThat(
            names(
                experiments.search(
                    SearchFilter.parse("name LIKE '%-model' AND tags.team != 'ads'"), false)))
        .containsExactly("cvr-model");
    assertThat(
            names(experiments.search(SearchFilter.parse("attributes.experiment_id >= 2"), false)))
        .containsExactly("cvr-model", "rank");

    experiments.setLifecycle(ctr, "deleted");
    assertThat(names(experiments.search(SearchFilter.parse(""), false)))
        .containsExactly("Default", "cvr-model", "rank");
    assertThat(names(experiments.search(SearchFilter.parse(""), true)))
        .containsExactly("Default", "ctr-model", "cvr-model", "rank");
    experiments.setLifecycle(ctr, "active");
    assertThat(experiments.get(ctr).getLifecycleStage()).isEqualTo("active");

    experiments.setTag(cvr, "team", "ads");
    assertThat(experiments.search(SearchFilter.parse("tags.team = 'ads'"), false)).hasSize(3);
  }

  @Test
  void searchRefusesWhatExperimentsDoNotHave() {
    assertThatThrownBy(() -> experiments.search(SearchFilter.parse("params.eta = '1'"), false))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("experiments have no params");
    // Refused even when an earlier clause already rules every experiment out.
    assertThatThrownBy(
            () ->
                experiments.search(
                    SearchFilter.parse("name = 'nothing' AND attributes.colour = 'red'"), false))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("colour");
  }

  @Test
  void concurrentCreatesGetDistinctIdsAndLoseNothing() throws Exception {
    int threads = 8;
    int each = 20;
    List<List<String>> ids =
        Concurrently.all(
            threads,
            t -> {
              List<String> mine = new ArrayList<>();
              for (int i = 0; i < each; i++) {
                mine.add(experiments.create("exp-" + t + "-" + i, null, Map.of("thread", "" + t)));
              }
              return mine;
            });
    List<String> all = ids.stream().flatMap(List::stream).toList();
    assertThat(all).hasSize(threads * each).doesNotHaveDuplicates();
    assertThat(experiments.search(SearchFilter.parse(""), true)).hasSize(threads * each + 1);
    for (int t = 0; t < threads; t++) {
      assertThat(experiments.search(SearchFilter.parse("tags.thread = '" + t + "'"), false))
          .hasSize(each);
    }
  }

  @Test
  void concurrentCreatesOfOneNameLetExactlyOneWin() throws Exception {
    List<Concurrently.Outcome<String>> outcomes =
        Concurrently.run(8, t -> experiments.create("same", null, Map.of()));
    assertThat(outcomes).filteredOn(o -> o.error() == null).hasSize(1);
    assertThat(outcomes)
        .filteredOn(o -> o.error() != null)
        .hasSize(7)
        .allSatisfy(
            o ->
                assertThat(o.error())
                    .isInstanceOfSatisfying(
                        MlflowError.class,
                        e ->
                            assertThat(e.code)
                                .isEqualTo(MlflowError.Code.RESOURCE_ALREADY_EXISTS)));
  }

  private static List<String> names(List<Experiment> found) {
    return found.stream().map(Experiment::getName).toList();
  }
}
