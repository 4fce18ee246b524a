package io.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.ModelRegistry.RegisteredModelAlias;

/** {@link ModelStore} on its own H2 file, without HTTP. */
class ModelStoreTest {
  @TempDir Path folder;
  private TrackingStore store;
  private ModelStore models;
  private String runId;

  @BeforeEach
  void open() {
    store = new TrackingStore(folder);
    models = store.models;
    runId = store.runs.create("", "train", "kim", 1L, Map.of()).getInfo().getRunId();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void numbersVersionsPerModelAndShowsTheLatest() {
    RegisteredModel created =
        models.createRegisteredModel("ctr", "click model", Map.of("team", "ads"));
    assertThat(created.getLatestVersionsList()).isEmpty();
    models.createRegisteredModel("cvr", null, Map.of());

    assertThat(version(models.createModelVersion("ctr", "runs:/x/model", runId, "", Map.of())))
        .isEqualTo(1);
    assertThat(
            version(
                models.createModelVersion(
                    "ctr", "runs:/y/model", "", "second", Map.of("window", "w1"))))
        .isEqualTo(2);
    assertThat(version(models.createModelVersion("cvr", "runs:/z/model", null, null, Map.of())))
        .isEqualTo(1);

    RegisteredModel ctr = models.registeredModel("ctr");
    assertThat(ctr.getDescription()).isEqualTo("click model");
    assertThat(ctr.getLatestVersionsList())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getVersion()).isEqualTo("2");
              assertThat(v.getDescription()).isEqualTo("second");
              assertThat(v.getRunId()).isEmpty();
              assertThat(v.getTagsList())
                  .singleElement()
                  .satisfies(t -> assertThat(t.getValue()).isEqualTo("w1"));
            });
    assertThat(models.modelVersion("ctr", "1").getRunId()).isEqualTo(runId);
    assertThat(models.updateModelVersion("ctr", "1", "first").getDescription()).isEqualTo("first");
    models.setModelVersionTag("ctr", "1", "approved", "yes");
    assertThat(models.modelVersion("ctr", "1").getTagsList())
        .singleElement()
        .satisfies(t -> assertThat(t.getKey()).isEqualTo("approved"));
  }

  @Test
  void refusesUnknownModelsRunsAndVersionsWritingNothing() {
    assertThatThrownBy(() -> models.createModelVersion("ctr", "s", runId, "", Map.of()))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST));
    models.createRegisteredModel("ctr", "", Map.of());
    assertThatThrownBy(() -> models.createRegisteredModel("ctr", "", Map.of()))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_ALREADY_EXISTS));
    assertThatThrownBy(
            () ->
                models.createModelVersion(
                    "ctr", "s", "0123456789abcdef0123456789abcdef", "", Map.of()))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST))
        .hasMessageContaining("Run");
    assertThat(models.registeredModel("ctr").getLatestVersionsList()).isEmpty();
    assertThatThrownBy(() -> models.modelVersion("ctr", "0"))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("positive integer");
    assertThatThrownBy(() -> models.modelVersion("ctr", "one"))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("positive integer");
    assertThatThrownBy(() -> models.modelVersion("ctr", "1"))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST));
  }

  @Test
  void aliasesPointAtOneVersionMoveAndCanBeDeleted() {
    models.createRegisteredModel("ctr", "", Map.of());
    models.createModelVersion("ctr", "s1", runId, "", Map.of());
    models.createModelVersion("ctr", "s2", runId, "", Map.of());

    models.setAlias("ctr", "champion", "1");
    models.setAlias("ctr", "challenger", "2");
    assertThat(models.versionByAlias("ctr", "champion").getSource()).isEqualTo("s1");
    assertThat(models.modelVersion("ctr", "2").getAliasesList()).containsExactly("challenger");

    // Setting an alias again moves it.
    models.setAlias("ctr", "champion", "2");
    assertThat(models.versionByAlias("ctr", "champion").getVersion()).isEqualTo("2");
    assertThat(models.modelVersion("ctr", "1").getAliasesList()).isEmpty();
    assertThat(models.modelVersion("ctr", "2").getAliasesList())
        .containsExactly("challenger", "champion");
    assertThat(models.registeredModel("ctr").getAliasesList())
        .extracting(RegisteredModelAlias::getAlias, RegisteredModelAlias::getVersion)
        .containsExactly(tuple("challenger", "2"), tuple("champion", "2"));

    models.deleteAlias("ctr", "challenger");
    assertThatThrownBy(() -> models.versionByAlias("ctr", "challenger"))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST));
    assertThatThrownBy(() -> models.deleteAlias("ctr", "challenger"))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST));
  }

  @Test
  void refusesReservedAndMalformedAliases() {
    models.createRegisteredModel("ctr", "", Map.of());
    models.createModelVersion("ctr", "s1", runId, "", Map.of());
    for (String bad : List.of("latest", "LATEST", "v1", "V12", "has space", "dot.ted", "")) {
      assertThatThrownBy(() -> models.setAlias("ctr", bad, "1"))
          .as(bad)
          .isInstanceOfSatisfying(
              MlflowError.class,
              e -> assertThat(e.code).isEqualTo(MlflowError.Code.INVALID_PARAMETER_VALUE));
    }
    assertThatThrownBy(() -> models.setAlias("ctr", "champion", "7"))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST));
    assertThat(models.registeredModel("ctr").getAliasesList()).isEmpty();
  }

  @Test
  void searchesModelsAndVersions() {
    models.createRegisteredModel("ctr", "", Map.of("team", "ads"));
    models.createRegisteredModel("cvr", "", Map.of("team", "growth"));
    models.createModelVersion("ctr", "s1", runId, "", Map.of());
    models.createModelVersion("ctr", "s2", "", "", Map.of("stage", "canary"));
    models.createModelVersion("cvr", "s3", runId, "", Map.of());

    assertThat(models.searchRegisteredModels(SearchFilter.parse("tags.team = 'ads'")))
        .extracting(RegisteredModel::getName)
        .containsExactly("ctr");
    assertThat(models.searchRegisteredModels(SearchFilter.parse("name LIKE 'c%'")))
        .extracting(RegisteredModel::getName)
        .containsExactly("ctr", "cvr");
    assertThat(models.searchModelVersions(SearchFilter.parse("name = 'ctr'")))
        .extracting(ModelVersion::getVersion)
        .containsExactly("2", "1");
    assertThat(models.searchModelVersions(SearchFilter.parse("run_id = '" + runId + "'")))
        .extracting(ModelVersion::getSource)
        .containsExactly("s1", "s3");
    assertThat(models.searchModelVersions(SearchFilter.parse("tags.stage = 'canary'")))
        .extracting(ModelVersion::getSource)
        .containsExactly("s2");

    assertThatThrownBy(
            () -> models.searchRegisteredModels(SearchFilter.parse("attributes.creation_time > 0")))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("searched by name or tags");
    assertThatThrownBy(() -> models.searchModelVersions(SearchFilter.parse("metrics.auc > 0")))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("model versions have no metrics");
  }

  @Test
  void concurrentVersionsOfOneModelAreNumberedWithoutGapsOrDuplicates() throws Exception {
    models.createRegisteredModel("ctr", "", Map.of());
    int threads = 8;
    int each = 10;
    List<List<Integer>> numbers =
        Concurrently.all(
            threads,
            t -> {
              List<Integer> mine = new ArrayList<>();
              for (int i = 0; i < each; i++) {
                ModelVersion v =
                    models.createModelVersion(
                        "ctr", "s-" + t + "-" + i, runId, "", Map.of("thread", "" + t));
                mine.add(version(v));
                // Readers and alias writes interleave with the version writes.
                models.setAlias("ctr", "t" + t, v.getVersion());
                assertThat(models.registeredModel("ctr").getLatestVersionsList()).hasSize(1);
              }
              return mine;
            });
    List<Integer> all = numbers.stream().flatMap(List::stream).sorted().toList();
    assertThat(all).isEqualTo(IntStream.rangeClosed(1, threads * each).boxed().toList());
    assertThat(models.searchModelVersions(SearchFilter.parse("name = 'ctr'")))
        .hasSize(threads * each);
    assertThat(models.registeredModel("ctr").getLatestVersions(0).getVersion())
        .isEqualTo("" + threads * each);
    for (int t = 0; t < threads; t++) {
      List<Integer> mine = numbers.get(t);
      assertThat(version(models.versionByAlias("ctr", "t" + t)))
          .isEqualTo(mine.get(mine.size() - 1));
    }
  }

  private static int version(ModelVersion v) {
    return Integer.parseInt(v.getVersion());
  }
}
