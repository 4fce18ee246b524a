package io.flywheel.workflows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs sensors and starts runs through {@link Pipelines} with run ids derived from the pipeline,
 * date, trigger and condition, so a retried check never starts a second run for the same news.
 */
final class TriggerActivitiesImpl implements TriggerActivities {
  private final Pipelines pipelines;
  private final TaskCatalog catalog;

  TriggerActivitiesImpl(Pipelines pipelines, TaskCatalog catalog) {
    this.pipelines = pipelines;
    this.catalog = catalog;
  }

  @Override
  public List<String> check(PipelineSpec pipeline, String triggerId) {
    TriggerSpec trigger =
        pipeline.triggers().stream()
            .filter(t -> t.id().equals(triggerId))
            .findFirst()
            .orElseThrow();
    SensorType type = catalog.sensor(trigger.type());
    try {
      TriggerHistory before =
          pipelines
              .triggerHistory(pipeline.name(), trigger.id())
              .orElse(
                  new TriggerHistory(
                      pipeline.name(),
                      trigger.id(),
                      trigger.type(),
                      false,
                      List.of(),
                      List.of(),
                      0,
                      null));
      List<SensorType.Firing> firings;
      try {
        firings = type.sensor().check(trigger.params());
      } catch (Exception e) {
        pipelines.saveTriggerHistory(
            new TriggerHistory(
                before.pipeline(),
                before.trigger(),
                before.type(),
                before.armed(),
                before.seen(),
                before.fired(),
                System.currentTimeMillis(),
                e.getClass().getSimpleName() + ": " + e.getMessage()));
        throw new IllegalStateException("trigger " + trigger.id() + ": " + e.getMessage(), e);
      }
      List<String> seen = new ArrayList<>(before.seen());
      List<TriggerHistory.Firing> fired = new ArrayList<>(before.fired());
      List<String> started = new ArrayList<>();
      boolean baseline = !before.armed() && type.baselineOnArm();
      for (SensorType.Firing f : firings) {
        if (seen.contains(f.key())) {
          continue;
        }
        if (!baseline) {
          // Trigger params named run.X become the run's param X.
          Map<String, String> runParams = new java.util.LinkedHashMap<>(f.runParams());
          trigger
              .params()
              .forEach(
                  (k, v) -> {
                    if (k.startsWith("run.")) {
                      runParams.put(k.substring(4), v);
                    }
                  });
          String runId =
              pipelines.submit(
                  pipeline,
                  runParams,
                  f.logicalDate(),
                  pipeline.name()
                      + "-"
                      + f.logicalDate()
                      + "-"
                      + trigger.id()
                      + "-"
                      + f.key().replaceAll("[^A-Za-z0-9_.-]", "_"));
          started.add(runId);
          fired.add(
              new TriggerHistory.Firing(
                  f.key(),
                  runId,
                  f.logicalDate().toString(),
                  f.reason(),
                  System.currentTimeMillis()));
        }
        seen.add(f.key());
      }
      pipelines.saveTriggerHistory(
          new TriggerHistory(
              pipeline.name(),
              trigger.id(),
              trigger.type(),
              true,
              seen,
              fired,
              System.currentTimeMillis(),
              null));
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String startScheduled(PipelineSpec pipeline, long firedAtMillis) {
    ZonedDateTime at = Instant.ofEpochMilli(firedAtMillis).atZone(ZoneOffset.UTC);
    LocalDate ds = at.toLocalDate();
    String runId =
        String.format(
            "%s-%s-scheduled-%02d%02d", pipeline.name(), ds, at.getHour(), at.getMinute());
    try {
      return pipelines.submit(pipeline, Map.of(), ds, runId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
