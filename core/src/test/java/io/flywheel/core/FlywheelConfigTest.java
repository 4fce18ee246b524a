package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlywheelConfigTest {
  @TempDir Path home;

  @Test
  void withNothingSetEveryEngineRunsEmbedded() {
    FlywheelConfig config = FlywheelConfig.load(home, Map.of());
    assertThat(config.flinkRestUrl()).isNull();
    assertThat(config.mlflowTrackingUri()).isNull();
    assertThat(config.redisUrl()).isNull();
    assertThat(config.temporalNamespace()).isEqualTo("default");
  }

  @Test
  void theEnvironmentOverridesTheYamlFileKeyByKey() throws Exception {
    Files.writeString(
        home.resolve("flywheel.yaml"),
        """
        flink:
          rest_url: http://jobmanager:8081
        temporal:
          address: temporal:7233
          namespace: shop
        """);
    FlywheelConfig config =
        FlywheelConfig.load(
            home, Map.of("TEMPORAL_ADDRESS", "other:7233", "MLFLOW_TRACKING_TOKEN", "t0ken"));
    assertThat(config.flinkRestUrl()).isEqualTo("http://jobmanager:8081");
    assertThat(config.temporalAddress()).isEqualTo("other:7233");
    assertThat(config.temporalNamespace()).isEqualTo("shop");
    assertThat(config.mlflowTrackingToken()).isEqualTo("t0ken");
    assertThat(config.toString()).contains("MLFLOW_TRACKING_TOKEN=***").doesNotContain("t0ken");
  }

  @Test
  void badValuesFailNamingTheVariableOrKeyAndTheReason() throws Exception {
    assertThatThrownBy(() -> FlywheelConfig.load(home, Map.of("FLINK_REST_URL", "jobmanager")))
        .hasMessageStartingWith("FLINK_REST_URL: expected an http(s) URL");
    assertThatThrownBy(
            () -> FlywheelConfig.load(home, Map.of("FLYWHEEL_EXPERIMENT_HOLDOUT", "0.9")))
        .hasMessageStartingWith("FLYWHEEL_EXPERIMENT_HOLDOUT: expected a share in [0, 0.5]");
    assertThat(
            FlywheelConfig.load(home, Map.of("FLYWHEEL_EXPERIMENT_HOLDOUT", "0.05"))
                .experimentHoldout())
        .isEqualTo(0.05);
    Path yaml = Files.writeString(home.resolve("flywheel.yaml"), "flink: {rest_url: [\n");
    assertThatThrownBy(() -> FlywheelConfig.load(home, Map.of()))
        .hasMessageStartingWith(yaml.toString())
        .hasMessageContaining("not valid YAML");
    Files.delete(yaml);
    assertThatThrownBy(() -> FlywheelConfig.load(home, Map.of("TEMPORAL_ADDRESS", "temporal")))
        .hasMessageStartingWith("TEMPORAL_ADDRESS: expected host:port");
    assertThatThrownBy(() -> FlywheelConfig.load(home, Map.of("REDIS_URL", "http://r:6379")))
        .hasMessageContaining("REDIS_URL")
        .hasMessageContaining("redis://");

    Files.writeString(home.resolve("flywheel.yaml"), "flink:\n  rest_ur1: http://x:1\n");
    assertThatThrownBy(() -> FlywheelConfig.load(home, Map.of()))
        .hasMessageContaining("'flink.rest_ur1' is not a setting")
        .hasMessageContaining("flink.rest_url");
    Files.writeString(home.resolve("flywheel.yaml"), "mlflow:\n  tracking_token: abc\n");
    assertThatThrownBy(() -> FlywheelConfig.load(home, Map.of()))
        .hasMessageContaining("secrets come only from environment variables");
    Files.writeString(home.resolve("flywheel.yaml"), "triton:\n  grpc_address: triton\n");
    assertThatThrownBy(() -> FlywheelConfig.load(home, Map.of()))
        .hasMessageContaining("'triton.grpc_address': expected host:port");
  }

  @Test
  void theReadmeListsEverySettingAsTheCodeDefinesIt() throws Exception {
    Path readme = Path.of("..", "README.md");
    assertThat(Files.readString(readme)).contains(FlywheelConfig.markdownTable());
  }
}
