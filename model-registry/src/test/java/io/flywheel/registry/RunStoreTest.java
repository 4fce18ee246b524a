package io.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;

/** {@link RunStore} on its own H2 file, without HTTP. */
class RunStoreTest {
  @TempDir Path folder;
  private TrackingStore store;
  private RunStore runs;
  private String experiment;

  @BeforeEach
  void open() {
    store = new TrackingStore(folder);
    runs = store.runs;
    experiment = store.experiments.create("ctr", null, Map.of());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void createsRunsWithNameTagAndArtifactUriUnderTheExperiment() {
    Run run = runs.create(experiment, "first", "kim", 1_000L, Map.of("flywheel.task", "train"));
    RunInfo info = run.getInfo();
    assertThat(info.getRunId()).hasSize(32).isEqualTo(info.getRunUuid());
    assertThat(info.getExperimentId()).isEqualTo(experiment);
    assertThat(info.getStatus()).isEqualTo(RunStatus.RUNNING);
    assertThat(info.getArtifactUri())
        .isEqualTo("mlflow-artifacts:/1/" + info.getRunId() + "/artifacts");
    assertThat(info.hasEndTime()).isFalse();
    assertThat(tags(run))
        .containsEntry("mlflow.runName", "first")
        .containsEntry("flywheel.task", "train");

    Run unnamed = runs.create("", "", "kim", 2_000L, Map.of());
    assertThat(unnamed.getInfo().getExperimentId()).isEqualTo(ExperimentStore.DEFAULT_ID);
    assertThat(unnamed.getInfo().getRunName()).startsWith("run-");

    RunInfo finished = runs.update(info.getRunId(), RunStatus.FINISHED, null, "renamed");
    assertThat(finished.getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(finished.hasEndTime()).isTrue();
    assertThat(tags(runs.get(info.getRunId()))).containsEntry("mlflow.runName", "renamed");
  }

  @Test
  void refusesRunsInDeletedOrUnknownExperiments() {
    store.experiments.setLifecycle(experiment, "deleted");
    assertThatThrownBy(() -> runs.create(experiment, "r", "kim", 1L, Map.of()))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("is deleted");
    assertThatThrownBy(() -> runs.create("99", "r", "kim", 1L, Map.of()))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST));
    assertThatThrownBy(() -> runs.get("0123456789abcdef0123456789abcdef"))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST));
  }

  @Test
  void paramsNeverChangeAndARejectedBatchWritesNothing() {
    String id = newRun();
    runs.logBatch(id, List.of(), List.of(param("max_depth", "4")), List.of());
    // The same value again is accepted (a retried request).
    runs.logBatch(id, List.of(), List.of(param("max_depth", "4")), List.of());

    assertThatThrownBy(
            () ->
                runs.logBatch(
                    id,
                    List.of(metric("auc", 0.9, 0)),
                    List.of(param("eta", "0.1"), param("max_depth", "6")),
                    List.of(tag("k", "v"))))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.INVALID_PARAMETER_VALUE))
        .hasMessageContaining("max_depth")
        .hasMessageContaining("'4'");
    Run run = runs.get(id);
    assertThat(run.getData().getParamsList()).containsExactly(param("max_depth", "4"));
    assertThat(run.getData().getMetricsList()).isEmpty();
    assertThat(tags(run)).doesNotContainKey("k");

    // One batch cannot carry two values for one param either.
    assertThatThrownBy(
            () ->
                runs.logBatch(
                    id, List.of(), List.of(param("eta", "0.1"), param("eta", "0.2")), List.of()))
        .isInstanceOf(MlflowError.class);
    assertThat(runs.get(id).getData().getParamsList()).hasSize(1);
  }

  @Test
  void metricHistoryIsOrderedByStepThenTimeAndTheRunShowsTheLastStep() {
    String id = newRun();
    runs.logBatch(
        id, List.of(metric("loss", 0.5, 2, 30), metric("loss", 0.9, 0, 10)), List.of(), List.of());
    runs.logBatch(
        id,
        List.of(metric("loss", 0.7, 1, 20), metric("loss", 0.6, 1, 5), metric("auc", 0.8, 0, 1)),
        List.of(),
        List.of());

    assertThat(runs.metricHistory(id, "loss"))
        .extracting(Metric::getValue)
        .containsExactly(0.9, 0.6, 0.7, 0.5);
    assertThat(runs.metricHistory(id, "loss"))
        .extracting(Metric::getStep)
        .containsExactly(0L, 1L, 1L, 2L);
    assertThat(runs.metricHistory(id, "nope")).isEmpty();
    assertThat(runs.get(id).getData().getMetricsList())
        .extracting(Metric::getKey, Metric::getValue)
        .containsExactly(tuple("auc", 0.8), tuple("loss", 0.5));
  }

  @Test
  void deletedRunsTakeNoWritesAndTagsCanBeDeleted() {
    String id = newRun();
    runs.logBatch(id, List.of(), List.of(), List.of(tag("stage", "fit")));
    runs.deleteTag(id, "stage");
    assertThat(tags(runs.get(id))).doesNotContainKey("stage");
    assertThatThrownBy(() -> runs.deleteTag(id, "stage"))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.RESOURCE_DOES_NOT_EXIST));

    runs.setLifecycle(id, "deleted");
    assertThatThrownBy(() -> runs.logBatch(id, List.of(metric("auc", 1, 0)), List.of(), List.of()))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("is deleted");
    assertThat(runs.metricHistory(id, "auc")).isEmpty();
    runs.setLifecycle(id, "active");
    runs.logBatch(id, List.of(metric("auc", 1, 0)), List.of(), List.of());
    assertThat(runs.metricHistory(id, "auc")).hasSize(1);
  }

  @Test
  void searchSeesEveryWriteSinceItsLastRead() {
    String a = runs.create(experiment, "a", "kim", 1_000L, Map.of()).getInfo().getRunId();
    runs.logBatch(a, List.of(metric("auc", 0.5, 0)), List.of(), List.of());
    assertThat(runs.search(List.of(experiment), SearchFilter.parse(""), "active"))
        .singleElement()
        .satisfies(r -> assertThat(r.getData().getMetrics(0).getValue()).isEqualTo(0.5));
    // A later step's value, a new run, a tag, a finished status: each shows at once.
    runs.logBatch(a, List.of(metric("auc", 0.9, 3), metric("auc", 0.1, 1)), List.of(), List.of());
    String b = runs.create(experiment, "b", "kim", 2_000L, Map.of()).getInfo().getRunId();
    runs.logBatch(b, List.of(), List.of(), List.of(tag("stage", "eval")));
    runs.update(a, RunStatus.FINISHED, null, null);
    List<Run> found = runs.search(List.of(experiment), SearchFilter.parse(""), "active");
    assertThat(ids(found)).containsExactly(b, a);
    assertThat(found.get(1).getData().getMetrics(0).getValue()).isEqualTo(0.9);
    assertThat(found.get(1).getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(found.get(0).getData().getTagsList())
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("stage"));
    runs.deleteTag(b, "stage");
    runs.setLifecycle(a, "deleted");
    found = runs.search(List.of(experiment), SearchFilter.parse(""), "active");
    assertThat(ids(found)).containsExactly(b);
    assertThat(found.get(0).getData().getTagsList())
        .noneSatisfy(t -> assertThat(t.getKey()).isEqualTo("stage"));
  }

  @Test
  void searchFiltersByParamsMetricsTagsAndAttributesNewestFirst() {
    String a =
        runs.create(experiment, "a", "kim", 1_000L, Map.of("task", "train")).getInfo().getRunId();
    String b =
        runs.create(experiment, "b", "kim", 2_000L, Map.of("task", "train")).getInfo().getRunId();
    String c =
        runs.create(experiment, "c", "kim", 3_000L, Map.of("task", "eval")).getInfo().getRunId();
    runs.logBatch(a, List.of(metric("auc", 0.7, 0)), List.of(param("eta", "0.1")), List.of());
    runs.logBatch(b, List.of(metric("auc", 0.8, 0)), List.of(param("eta", "0.3")), List.of());
    runs.update(b, RunStatus.FINISHED, null, null);
    runs.setLifecycle(c, "deleted");

    assertThat(ids(runs.search(List.of(experiment), SearchFilter.parse(""), "active")))
        .containsExactly(b, a);
    assertThat(ids(runs.search(List.of(experiment), SearchFilter.parse(""), null)))
        .containsExactly(c, b, a);
    assertThat(
            ids(
                runs.search(
                    List.of(experiment),
                    SearchFilter.parse("tags.task = 'train' AND metrics.auc > 0.75"),
                    "active")))
        .containsExactly(b);
    assertThat(
            ids(
                runs.search(
                    List.of(experiment),
                    SearchFilter.parse("params.eta = '0.1' AND attributes.status = 'RUNNING'"),
                    "active")))
        .containsExactly(a);
    assertThat(
            ids(
                runs.search(
                    List.of(experiment, "0"), SearchFilter.parse("run_name ILIKE 'B'"), "active")))
        .containsExactly(b);

    assertThatThrownBy(() -> runs.search(List.of(), SearchFilter.parse(""), null))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("experiment_ids");
    // An unknown attribute is refused even when an earlier clause rules every run out.
    assertThatThrownBy(
            () ->
                runs.search(
                    List.of(experiment),
                    SearchFilter.parse("tags.task = 'none' AND attributes.colour = 'red'"),
                    null))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("unknown run attribute 'colour'");
  }

  @Test
  void concurrentBatchesOnOneRunLoseNoPoint() throws Exception {
    String id = newRun();
    int threads = 8;
    int batches = 25;
    int points = 20;
    Concurrently.all(
        threads,
        t -> {
          for (int b = 0; b < batches; b++) {
            List<Metric> batch = new ArrayList<>();
            for (int p = 0; p < points; p++) {
              batch.add(metric("loss", t, (long) b * points + p, 1));
            }
            runs.logBatch(
                id, batch, List.of(param("p" + t, "v" + t)), List.of(tag("t" + t, "" + b)));
          }
          return null;
        });
    List<Metric> history = runs.metricHistory(id, "loss");
    assertThat(history).hasSize(threads * batches * points);
    for (int t = 0; t < threads; t++) {
      double value = t;
      assertThat(history).filteredOn(m -> m.getValue() == value).hasSize(batches * points);
    }
    Run run = runs.get(id);
    assertThat(run.getData().getParamsList()).hasSize(threads);
    assertThat(tags(run))
        .containsEntry("t0", "" + (batches - 1))
        .containsEntry("t7", "" + (batches - 1));
  }

  @Test
  void concurrentDifferentValuesForOneParamLeaveExactlyOne() throws Exception {
    String id = newRun();
    List<Concurrently.Outcome<Object>> outcomes =
        Concurrently.run(
            8,
            t -> {
              runs.logBatch(id, List.of(), List.of(param("seed", "" + t)), List.of());
              return t;
            });
    List<Concurrently.Outcome<Object>> won =
        outcomes.stream().filter(o -> o.error() == null).toList();
    assertThat(won).hasSize(1);
    assertThat(outcomes)
        .filteredOn(o -> o.error() != null)
        .allSatisfy(
            o ->
                assertThat(o.error())
                    .isInstanceOf(MlflowError.class)
                    .hasMessageContaining("cannot change"));
    assertThat(runs.get(id).getData().getParamsList())
        .containsExactly(param("seed", "" + won.get(0).value()));
  }

  @Test
  void readersNeverSeeHalfABatch() throws Exception {
    String id = newRun();
    int writes = 300;
    AtomicBoolean done = new AtomicBoolean();
    List<Object> results =
        Concurrently.all(
            4,
            t -> {
              if (t == 0) {
                try {
                  for (int i = 1; i <= writes; i++) {
                    runs.logBatch(
                        id,
                        List.of(metric("counter", i, i)),
                        List.of(),
                        List.of(tag("counter", "" + i)));
                  }
                } finally {
                  done.set(true);
                }
                return writes;
              }
              int seen = 0;
              while (!done.get()) {
                Run run = runs.get(id);
                String tag = tags(run).get("counter");
                List<Metric> metrics = run.getData().getMetricsList();
                if (tag == null) {
                  assertThat(metrics).isEmpty();
                } else {
                  assertThat(metrics)
                      .singleElement()
                      .extracting(Metric::getValue)
                      .isEqualTo(Double.parseDouble(tag));
                  seen++;
                }
              }
              return seen;
            });
    assertThat(results.get(0)).isEqualTo(writes);
  }

  @Test
  void concurrentRunCreationKeepsEveryRun() throws Exception {
    List<List<String>> created =
        Concurrently.all(
            8,
            t -> {
              List<String> mine = new ArrayList<>();
              for (int i = 0; i < 15; i++) {
                mine.add(
                    runs.create(experiment, "r" + t + "-" + i, "kim", i, Map.of())
                        .getInfo()
                        .getRunId());
              }
              return mine;
            });
    List<String> all = created.stream().flatMap(List::stream).toList();
    assertThat(all).hasSize(120).doesNotHaveDuplicates();
    assertThat(ids(runs.search(List.of(experiment), SearchFilter.parse(""), null)))
        .containsExactlyInAnyOrderElementsOf(all);
  }

  private String newRun() {
    return runs.create(experiment, "run", "kim", System.currentTimeMillis(), Map.of())
        .getInfo()
        .getRunId();
  }

  private static Param param(String key, String value) {
    return Param.newBuilder().setKey(key).setValue(value).build();
  }

  private static RunTag tag(String key, String value) {
    return RunTag.newBuilder().setKey(key).setValue(value).build();
  }

  private static Metric metric(String key, double value, long step) {
    return metric(key, value, step, 1_000L);
  }

  private static Metric metric(String key, double value, long step, long timestamp) {
    return Metric.newBuilder()
        .setKey(key)
        .setValue(value)
        .setStep(step)
        .setTimestamp(timestamp)
        .build();
  }

  private static Map<String, String> tags(Run run) {
    Map<String, String> out = new LinkedHashMap<>();
    run.getData().getTagsList().forEach(t -> out.put(t.getKey(), t.getValue()));
    return out;
  }

  private static List<String> ids(List<Run> found) {
    return found.stream().map(r -> r.getInfo().getRunId()).toList();
  }
}
