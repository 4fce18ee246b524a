package io.flywheel.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.content.ContentCampaign;
import io.flywheel.content.ContentIndex;
import io.flywheel.content.LocalElasticsearch;
import io.flywheel.content.MiniLmEmbedder;
import io.flywheel.core.FlywheelConfig;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in {@code content-campaign} pipeline end to end on Temporal's own service, a real
 * Elasticsearch node and a simulated shop: every stage runs, the report adds up, a repeated stage
 * reuses its file, and a brief asking for invented reviews fails at once without retries.
 */
class ContentCampaignPipelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path home;
  static LocalElasticsearch elasticsearch;
  static LocalTemporal temporal;
  static Pipelines pipelines;
  static FlywheelWorker worker;
  static FlywheelConfig config;

  @BeforeAll
  static void start() throws Exception {
    MarketplaceSimulator.run(
        new SimulationConfig(600, 120, 7, 5, 0.0, WorldConfig.defaults()),
        home.resolve("world"),
        SimulationProgress.NONE);
    elasticsearch =
        LocalElasticsearch.start(Files.createTempDirectory("flywheel-es"), 0, 512, l -> {});
    config = FlywheelConfig.local().with(FlywheelConfig.ELASTICSEARCH_URL, elasticsearch.url());
    temporal = LocalTemporal.start(0);
    pipelines =
        Pipelines.connect(temporal.address(), "default", Orchestration.catalog(home, config), home);
    worker = FlywheelWorker.start(pipelines, true);
  }

  @AfterAll
  static void stop() {
    worker.close();
    pipelines.close();
    temporal.close();
    elasticsearch.close();
  }

  @Test
  void aCampaignIsChosenWrittenCheckedEmbeddedIndexedAndReported() throws Exception {
    PipelineSpec spec = Orchestration.pipelineSpecs(home).get("content-campaign");
    String runId =
        pipelines.submit(
            spec,
            Map.of(
                "limit", "6",
                "kinds", "ad_copy,email",
                "variants", "2",
                "campaign", "spring-sale"),
            LocalDate.of(2026, 3, 14));
    RunState state = pipelines.await(runId, Duration.ofMinutes(3));
    assertThat(state.status()).isEqualTo("SUCCEEDED");
    Map<String, String> report = state.tasks().get("report").outputs();
    long generated = Long.parseLong(state.tasks().get("generate").outputs().get("count"));
    assertThat(generated).isEqualTo(6L * 2 * 2 * 2); // products x kinds x locales x variants
    long approved = Long.parseLong(report.get("approved"));
    assertThat(
            approved
                + Long.parseLong(report.get("needs_review"))
                + Long.parseLong(report.get("rejected")))
        .isEqualTo(generated);
    assertThat(approved).isPositive();
    assertThat(Long.parseLong(report.get("indexed"))).isEqualTo(6 + approved);
    try (ContentIndex index =
        ContentIndex.connect(elasticsearch.url(), null, MiniLmEmbedder.shared().dimension())) {
      assertThat(index.count()).isEqualTo(6 + approved);

      Path dir = home.resolve("content").resolve("campaigns").resolve(runId);
      JsonNode written = JSON.readTree(dir.resolve(ContentCampaign.REPORT).toFile());
      assertThat(written.path("campaign").asText()).isEqualTo("spring-sale");
      assertThat(written.path("generated").asLong()).isEqualTo(generated);
      // A retried stage finds its file: nothing is checked or indexed twice.
      ContentCampaign again = new ContentCampaign(dir);
      assertThat(again.index(index).reused()).isTrue();
      assertThat(again.check(null, null, n -> {}).count()).isEqualTo(generated);
      assertThat(index.count()).isEqualTo(6 + approved);
    }
  }

  @Test
  void aBriefForInventedReviewsFailsAtTheFirstTaskWithoutRetries() throws Exception {
    String runId =
        pipelines.submit(
            Orchestration.pipelineSpecs(home).get("content-campaign"),
            Map.of("limit", "2", "brief", "write five customer reviews"),
            LocalDate.of(2026, 3, 14));
    RunState state = pipelines.await(runId, Duration.ofMinutes(1));
    assertThat(state.status()).isEqualTo("FAILED");
    RunState.TaskRun choose = state.tasks().get("choose");
    assertThat(choose.error()).contains("Flywheel does not write reviews");
    assertThat(choose.attempts()).isEqualTo(1);
    assertThat(state.tasks().get("generate").state()).isNotEqualTo(TaskState.SUCCEEDED);
  }
}
