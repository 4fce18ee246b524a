package io.flywheel.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.core.FlywheelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineFilesTest {
  @TempDir Path dir;

  @Test
  void builtInAndOwnPipelinesLoadAndValidate() throws Exception {
    Files.writeString(
        dir.resolve("nightly.yaml"),
        """
        name: nightly
        schedule: "0 3 * * *"
        params: {region: eu}
        tasks:
          - id: a
            type: noop
          - id: b
            type: sleep
            upstream: a
            params: {duration: 1s}
            retries: 2
            retry_interval: 5s
            timeout: 10m
            trigger_rule: all_done
        """);
    Map<String, PipelineSpec> all = PipelineFiles.load(dir).pipelines();
    assertThat(all)
        .containsKeys("smoke-test", "feature-backfill", "train-evaluate-deploy", "nightly");
    PipelineSpec nightly = all.get("nightly");
    assertThat(nightly.schedule()).isEqualTo("0 3 * * *");
    TaskSpec b = nightly.task("b");
    assertThat(b.maxAttempts()).isEqualTo(3);
    assertThat(b.retryInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(b.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(b.triggerRule()).isEqualTo(TriggerRule.ALL_DONE);
    assertThat(b.upstream()).containsExactly("a");
    TaskCatalog catalog = FlywheelTasks.catalog(dir, FlywheelConfig.local());
    all.values().forEach(spec -> PipelineValidator.validate(spec, catalog));
  }

  @Test
  void aBrokenFileIsReportedWithoutHidingTheOthers() throws Exception {
    Files.writeString(dir.resolve("good.yaml"), "name: good\ntasks:\n  - {id: a, type: noop}\n");
    Files.writeString(dir.resolve("bad.yaml"), "name: bad\ntasks: [ {id: a, type: noop\n");
    PipelineFiles.Catalog catalog = PipelineFiles.load(dir);
    assertThat(catalog.pipelines()).containsKeys("good", "smoke-test");
    assertThat(catalog.broken()).containsOnlyKeys(dir.resolve("bad.yaml"));
    assertThat(catalog.broken().get(dir.resolve("bad.yaml")))
        .contains("bad.yaml", "not valid YAML");
  }

  @Test
  void mistakesNameTheFileAndTheField() throws Exception {
    Path typo =
        Files.writeString(
            dir.resolve("typo.yaml"),
            """
        name: typo
        tasks:
          - id: a
            type: noop
            upstreams: [b]
        """);
    assertThatThrownBy(() -> PipelineFiles.read(typo))
        .hasMessageContaining("typo.yaml")
        .hasMessageContaining("tasks[0]")
        .hasMessageContaining("unknown key 'upstreams'");
    Path rule =
        Files.writeString(
            dir.resolve("rule.yaml"),
            """
        name: rule
        tasks:
          - {id: a, type: noop, trigger_rule: sometimes}
        """);
    assertThatThrownBy(() -> PipelineFiles.read(rule)).hasMessageContaining("trigger_rule");
    Path noTasks = Files.writeString(dir.resolve("none.yaml"), "name: none\n");
    assertThatThrownBy(() -> PipelineFiles.read(noTasks)).hasMessageContaining("'tasks'");
  }

  @Test
  void everyShippedPipelineIsValidAgainstFlywheelsTaskAndTriggerTypes(@TempDir Path home)
      throws Exception {
    TaskCatalog catalog = FlywheelTasks.catalog(home, FlywheelConfig.local());
    for (PipelineSpec spec : PipelineFiles.load(home.resolve("none")).pipelines().values()) {
      PipelineValidator.validate(spec, catalog);
    }
    PipelineSpec ml =
        PipelineFiles.load(home.resolve("none")).pipelines().get("train-evaluate-deploy");
    assertThat(ml.tasks())
        .extracting(TaskSpec::id)
        .containsExactly(
            "training-set", "train", "evaluate", "register", "gate", "approve", "deploy", "record");
    assertThat(ml.task("record").triggerRule()).isEqualTo(TriggerRule.ALL_DONE);
    assertThat(ml.triggers()).extracting(TriggerSpec::type).containsExactly("drift");
  }
}
