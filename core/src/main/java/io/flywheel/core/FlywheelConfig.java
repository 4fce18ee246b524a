package io.flywheel.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where every engine runs, read once at the edge (a command) and passed down: environment
 * variables, else the optional {@code HOME/flywheel.yaml}, else local defaults (empty: the engine
 * runs embedded). Secrets come only from the environment; a YAML file that holds one is refused, so
 * it can be shared and committed. Every value is checked when loaded, and a bad one fails naming
 * its variable or key and the reason.
 */
public final class FlywheelConfig {
  /** The YAML file under a home. */
  public static final String FILE = "flywheel.yaml";

  /** One setting: its variable, its YAML key, whether it is a secret, and what it means. */
  public record Key(
      String env,
      String yaml,
      boolean secret,
      String example,
      String meaning,
      Function<String, String> check) {
    String validated(String value, String source) {
      String problem = check.apply(value);
      if (problem != null) {
        throw new IllegalArgumentException(source + ": " + problem + ", got '" + value + "'");
      }
      return value;
    }
  }

  public static final Key FLINK_REST_URL =
      new Key(
          "FLINK_REST_URL",
          "flink.rest_url",
          false,
          "http://jobmanager:8081",
          "Flink 1.20 session cluster that runs the feature jobs and "
              + "distributed training (default: a MiniCluster in the process)",
          v -> httpUrl(v));
  public static final Key FLYWHEEL_JOB_JAR =
      new Key(
          "FLYWHEEL_JOB_JAR",
          "flink.job_jar",
          false,
          "/opt/flywheel/flywheel-flink-jobs-job.jar",
          "the job jar shipped to that cluster "
              + "(default: the one the build leaves beside the CLI)",
          v -> Files.isRegularFile(Path.of(v)) ? null : "no such file");
  public static final Key KAFKA_BOOTSTRAP_SERVERS =
      new Key(
          "KAFKA_BOOTSTRAP_SERVERS",
          "kafka.bootstrap_servers",
          false,
          "kafka-1:9092,kafka-2:9092",
          "brokers the feature jobs " + "read events from with --kafka-topic",
          v ->
              List.of(v.split(",")).stream().allMatch(FlywheelConfig::isHostPort)
                  ? null
                  : "expected host:port[,host:port...]");
  public static final Key REDIS_URL =
      new Key(
          "REDIS_URL",
          "redis.url",
          false,
          "redis://redis:6379",
          "Redis server of the online feature store (default: RocksDB under "
              + "HOME/features/online)",
          v ->
              v.startsWith("redis://") || v.startsWith("rediss://")
                  ? null
                  : "expected a redis:// or rediss:// URL");
  public static final Key MLFLOW_TRACKING_URI =
      new Key(
          "MLFLOW_TRACKING_URI",
          "mlflow.tracking_uri",
          false,
          "http://mlflow:5000",
          "MLflow tracking server and model "
              + "registry (default: the embedded MLflow-compatible server under HOME/mlflow)",
          v -> httpUrl(v));
  public static final Key MLFLOW_TRACKING_TOKEN =
      new Key(
          "MLFLOW_TRACKING_TOKEN",
          null,
          true,
          "(secret)",
          "bearer token for that MLflow server",
          v -> null);
  public static final Key FLYWHEEL_MLFLOW_UI =
      new Key(
          "FLYWHEEL_MLFLOW_UI",
          "mlflow.ui_dir",
          false,
          "/opt/venv/lib/python3.12/site-packages/mlflow/server/js/build",
          "MLflow's web UI build (mlflow/server/js/build of an installed mlflow) that the "
              + "embedded tracking server serves at / (default: no UI)",
          v -> v.isBlank() ? "must not be blank" : null);
  public static final Key TRITON_GRPC_ADDRESS =
      new Key(
          "TRITON_GRPC_ADDRESS",
          "triton.grpc_address",
          false,
          "triton:8001",
          "Triton's KServe v2 gRPC endpoint (default: " + "the embedded CPU inference server)",
          v -> isHostPort(v) ? null : "expected host:port");
  public static final Key FLYWHEEL_MODEL_REPOSITORY =
      new Key(
          "FLYWHEEL_MODEL_REPOSITORY",
          "triton.model_repository",
          false,
          "/models",
          "the Triton model repository Flywheel writes " + "(default: HOME/deploy/repository)",
          v -> v.isBlank() ? "must not be blank" : null);
  public static final Key TEMPORAL_ADDRESS =
      new Key(
          "TEMPORAL_ADDRESS",
          "temporal.address",
          false,
          "temporal:7233",
          "Temporal frontend that runs pipelines (default: Temporal's own "
              + "Java service in the process)",
          v -> isHostPort(v) ? null : "expected host:port");
  public static final Key TEMPORAL_NAMESPACE =
      new Key(
          "TEMPORAL_NAMESPACE",
          "temporal.namespace",
          false,
          "default",
          "Temporal namespace (default: default)",
          v -> v.matches("[A-Za-z0-9._-]+") ? null : "expected letters, digits, '.', '_' or '-'");
  public static final Key ELASTICSEARCH_URL =
      new Key(
          "ELASTICSEARCH_URL",
          "elasticsearch.url",
          false,
          "https://es.shop.internal:9200",
          "Elasticsearch 8.x cluster of the content index, https for TLS (default: a local "
              + "single node from the Maven-distributed zip, data under HOME/elasticsearch)",
          v -> httpUrl(v));
  public static final Key ELASTICSEARCH_API_KEY =
      new Key(
          "ELASTICSEARCH_API_KEY",
          null,
          true,
          "(secret)",
          "API key (the encoded form) for that cluster",
          v -> null);
  public static final Key LLM_BASE_URL =
      new Key(
          "LLM_BASE_URL",
          "llm.base_url",
          false,
          "https://llm.shop.internal/v1",
          "served language model that writes copy: an OpenAI-compatible chat endpoint's base URL,"
              + " or Triton's HTTP port with LLM_PROTOCOL=triton (default: none, the templates"
              + " write)",
          v -> httpUrl(v));
  public static final Key LLM_API_KEY =
      new Key("LLM_API_KEY", null, true, "(secret)", "bearer key for that endpoint", v -> null);
  public static final Key LLM_MODEL =
      new Key(
          "LLM_MODEL",
          "llm.model",
          false,
          "qwen2.5-7b-instruct",
          "the model's name at that endpoint (Triton: the model in the repository)",
          v -> v.isBlank() ? "must not be blank" : null);
  public static final Key LLM_PROTOCOL =
      new Key(
          "LLM_PROTOCOL",
          "llm.protocol",
          false,
          "openai",
          "openai (chat completions) or triton (Triton's generate endpoint) (default: openai)",
          v -> v.equals("openai") || v.equals("triton") ? null : "expected openai or triton");
  public static final Key FLYWHEEL_EXPERIMENT_HOLDOUT =
      new Key(
          "FLYWHEEL_EXPERIMENT_HOLDOUT",
          "experiments.holdout",
          false,
          "0.05",
          "share of all shoppers delivery keeps out of every experiment, the global holdout, in"
              + " [0, 0.5] (default: 0)",
          v -> {
            try {
              double share = Double.parseDouble(v.trim());
              return share >= 0 && share <= 0.5 ? null : "expected a share in [0, 0.5]";
            } catch (NumberFormatException e) {
              return "expected a number in [0, 0.5]";
            }
          });
  public static final Key FLYWHEEL_API_TOKEN =
      new Key(
          "FLYWHEEL_API_TOKEN",
          null,
          true,
          "(secret)",
          "bearer token that Flywheel's HTTP APIs require for every change "
              + "(without it they refuse changes)",
          v -> null);

  /** Every setting, in the order the README lists them. */
  public static final List<Key> KEYS =
      List.of(
          FLINK_REST_URL,
          FLYWHEEL_JOB_JAR,
          KAFKA_BOOTSTRAP_SERVERS,
          REDIS_URL,
          MLFLOW_TRACKING_URI,
          MLFLOW_TRACKING_TOKEN,
          FLYWHEEL_MLFLOW_UI,
          TRITON_GRPC_ADDRESS,
          FLYWHEEL_MODEL_REPOSITORY,
          TEMPORAL_ADDRESS,
          TEMPORAL_NAMESPACE,
          ELASTICSEARCH_URL,
          ELASTICSEARCH_API_KEY,
          LLM_BASE_URL,
          LLM_API_KEY,
          LLM_MODEL,
          LLM_PROTOCOL,
          FLYWHEEL_EXPERIMENT_HOLDOUT,
          FLYWHEEL_API_TOKEN);

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Map<Key, String> values;

  private FlywheelConfig(Map<Key, String> values) {
    this.values = Map.copyOf(values);
  }

  /** Everything local: every engine embedded. */
  public static FlywheelConfig local() {
    return new FlywheelConfig(Map.of());
  }

  /** {@code environment} over {@code home}'s {@value #FILE} (if there is one). */
  public static FlywheelConfig load(Path home, Map<String, String> environment) {
    Map<Key, String> values = new LinkedHashMap<>(fromFile(home.resolve(FILE)));
    for (Key key : KEYS) {
      String value = environment.get(key.env());
      if (value != null && !value.isBlank()) {
        values.put(key, key.validated(value.trim(), key.env()));
      }
    }
    return new FlywheelConfig(values);
  }

  /** A copy with one setting changed (null clears it: the engine runs embedded). */
  public FlywheelConfig with(Key key, String value) {
    Map<Key, String> copy = new LinkedHashMap<>(values);
    if (value == null || value.isBlank()) {
      copy.remove(key);
    } else {
      copy.put(key, key.validated(value.trim(), key.env()));
    }
    return new FlywheelConfig(copy);
  }

  /** The value set for {@code key}, if any. */
  public Optional<String> get(Key key) {
    return Optional.ofNullable(values.get(key));
  }

  /** The value set for {@code key}, or null (then the engine runs embedded). */
  public String orNull(Key key) {
    return values.get(key);
  }

  public String flinkRestUrl() {
    return orNull(FLINK_REST_URL);
  }

  public String redisUrl() {
    return orNull(REDIS_URL);
  }

  public String mlflowTrackingUri() {
    return orNull(MLFLOW_TRACKING_URI);
  }

  public String mlflowTrackingToken() {
    return orNull(MLFLOW_TRACKING_TOKEN);
  }

  /** MLflow's web UI build for the embedded tracking server to serve, or null. */
  public String mlflowUiDir() {
    return orNull(FLYWHEEL_MLFLOW_UI);
  }

  public String elasticsearchUrl() {
    return orNull(ELASTICSEARCH_URL);
  }

  public String elasticsearchApiKey() {
    return orNull(ELASTICSEARCH_API_KEY);
  }

  public String llmBaseUrl() {
    return orNull(LLM_BASE_URL);
  }

  public String llmApiKey() {
    return orNull(LLM_API_KEY);
  }

  public String llmModel() {
    return orNull(LLM_MODEL);
  }

  /** {@code openai} unless set to {@code triton}. */
  /** The global holdout: the share of shoppers no experiment exposes (0 unless set). */
  public double experimentHoldout() {
    return get(FLYWHEEL_EXPERIMENT_HOLDOUT).map(v -> Double.parseDouble(v.trim())).orElse(0.0);
  }

  public String llmProtocol() {
    return get(LLM_PROTOCOL).orElse("openai");
  }

  public String tritonGrpcAddress() {
    return orNull(TRITON_GRPC_ADDRESS);
  }

  public String modelRepository() {
    return orNull(FLYWHEEL_MODEL_REPOSITORY);
  }

  public String temporalAddress() {
    return orNull(TEMPORAL_ADDRESS);
  }

  public String temporalNamespace() {
    return get(TEMPORAL_NAMESPACE).orElse("default");
  }

  public String apiToken() {
    return orNull(FLYWHEEL_API_TOKEN);
  }

  public String jobJar() {
    return orNull(FLYWHEEL_JOB_JAR);
  }

  public String kafkaBootstrapServers() {
    return orNull(KAFKA_BOOTSTRAP_SERVERS);
  }

  /** The settings in force, secrets masked: safe to print or log. */
  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>();
    for (Key key : KEYS) {
      if (values.containsKey(key)) {
        shown.put(key.env(), key.secret() ? "***" : values.get(key));
      }
    }
    return "FlywheelConfig" + shown;
  }

  private static Map<Key, String> fromFile(Path file) {
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    JsonNode root;
    try {
      root = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage());
    }
    Map<Key, String> values = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return values;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(
          file + ": expected sections such as 'flink:' and " + "'mlflow:' at the top level");
    }
    List<String> known = KEYS.stream().filter(k -> k.yaml() != null).map(Key::yaml).toList();
    for (Iterator<Map.Entry<String, JsonNode>> sections = root.fields(); sections.hasNext(); ) {
      Map.Entry<String, JsonNode> section = sections.next();
      if (!section.getValue().isObject()) {
        throw new IllegalArgumentException(
            file + ": '" + section.getKey() + "' must hold keys " + "(known: " + known + ")");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = section.getValue().fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String name = section.getKey() + "." + entry.getKey();
        Key key = KEYS.stream().filter(k -> name.equals(k.yaml())).findFirst().orElse(null);
        if (key == null) {
          boolean secret =
              name.contains("token") || name.contains("password") || name.contains("key");
          throw new IllegalArgumentException(
              file
                  + ": '"
                  + name
                  + "' "
                  + (secret
                      ? "looks like a secret; secrets come only from environment variables"
                      : "is not a setting (known: " + String.join(", ", known) + ")"));
        }
        if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
          throw new IllegalArgumentException(file + ": '" + name + "' must be a single value");
        }
        values.put(key, key.validated(entry.getValue().asText().trim(), file + ": '" + name + "'"));
      }
    }
    return values;
  }

  private static String httpUrl(String value) {
    try {
      URI uri = new URI(value);
      boolean ok =
          ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
              && uri.getHost() != null;
      return ok ? null : "expected an http(s) URL with a host";
    } catch (URISyntaxException e) {
      return "not a URL (" + e.getReason() + ")";
    }
  }

  static boolean isHostPort(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      return false;
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      return port > 0
          && port < 65536
          && !value.substring(0, colon).isBlank()
          && !value.contains("/");
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The README's table of settings, generated so it cannot drift from the code. */
  public static String markdownTable() {
    List<String> rows = new ArrayList<>();
    rows.add("| environment variable | `flywheel.yaml` key | example | what it sets |");
    rows.add("|---|---|---|---|");
    for (Key key : KEYS) {
      rows.add(
          "| `"
              + key.env()
              + "` | "
              + (key.yaml() == null ? "(environment only: a secret)" : "`" + key.yaml() + "`")
              + " | `"
              + key.example()
              + "` | "
              + key.meaning()
              + " |");
    }
    return String.join("\n", rows);
  }
}
