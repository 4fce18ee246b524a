package io.flywheel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.flywheel.deploy.triton.GRPCInferenceServiceGrpc;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelInferRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelStatistics;
import io.flywheel.deploy.triton.ModelConfigProto.ModelConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server over a real gRPC port, driven by Flywheel's client and raw stubs. */
class EmbeddedInferenceServerTest {
  @TempDir Path dir;

  private ModelRepository repositoryWith(
      String model, Booster booster, FilModelConfig.Serving serving) throws Exception {
    ModelRepository repo = new ModelRepository(dir.resolve("repo"));
    repo.addVersion(
        model, 1, TestModels.save(booster, dir.resolve("m1.json")), TestModels.metadata(model, 1));
    repo.writeConfig(
        FilModelConfig.build(
            model, TestModels.metadata(model, 1), serving, TestModels.versions(1)));
    return repo;
  }

  @Test
  void servesTheRepositoryWithScoresEqualToInProcessXgboost() throws Exception {
    Booster booster = TestModels.train(50, 4, 1);
    ModelRepository repo = repositoryWith("ctr", booster, FilModelConfig.Serving.onCpu());
    try (EmbeddedInferenceServer server =
            EmbeddedInferenceServer.start(repo.root(), "127.0.0.1", 0, 0);
        InferenceClient client = InferenceClient.connect(server.address())) {
      assertThat(client.live()).isTrue();
      assertThat(client.ready()).isTrue();
      assertThat(client.modelReady("ctr", "")).isFalse(); // explicit model control
      client.load("ctr");
      assertThat(client.modelReady("ctr", "1")).isTrue();
      assertThat(client.metadata("ctr").getInputs(0).getShapeList())
          .containsExactly(-1L, (long) TestModels.FEATURES);

      float[] rows = TestModels.rows(300, 9);
      InferenceClient.Scores scores = client.infer("ctr", null, rows, 300, TestModels.FEATURES);
      DMatrix matrix = new DMatrix(rows, 300, TestModels.FEATURES, Float.NaN);
      float[][] expected = booster.predict(matrix);
      matrix.dispose();
      assertThat(scores.version()).isEqualTo("1");
      for (int i = 0; i < 300; i++) {
        assertThat(scores.values()[i]).isEqualTo(expected[i][0]);
      }
      List<ModelStatistics> stats = client.statistics("ctr");
      assertThat(stats.get(0).getInferenceCount()).isEqualTo(300);
      assertThat(stats.get(0).getInferenceStats().getSuccess().getCount()).isEqualTo(1);

      HttpClient http = HttpClient.newHttpClient();
      String metrics =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics).contains("flywheel_inference_requests_total{model=\"ctr\"");
      HttpRequest healthRequest =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/health"))
              .build();
      HttpResponse<String> up = http.send(healthRequest, HttpResponse.BodyHandlers.ofString());
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(up.body()).contains("\"status\":\"up\"", "\"ctr\":{\"state\":\"ready\"");
      // Models it was told to expect: loading (503) until loaded, failed with why.
      server.expect(List.of("ctr", "cvr"));
      HttpResponse<String> loading = http.send(healthRequest, HttpResponse.BodyHandlers.ofString());
      assertThat(loading.statusCode()).isEqualTo(503);
      assertThat(loading.body())
          .contains("\"status\":\"loading\"", "\"cvr\":{\"state\":\"loading\"}");
      server.loadFailed("cvr", "no such model in the repository");
      HttpResponse<String> failed = http.send(healthRequest, HttpResponse.BodyHandlers.ofString());
      assertThat(failed.statusCode()).isEqualTo(503);
      assertThat(failed.body())
          .contains("\"status\":\"degraded\"", "no such model in the repository");

      client.unload("ctr");
      assertThat(client.modelReady("ctr", "1")).isFalse();
      assertThat(client.repositoryIndex().getModels(0).getState()).isEqualTo("UNAVAILABLE");
      assertThatThrownBy(() -> client.infer("ctr", null, rows, 300, TestModels.FEATURES))
          .isInstanceOfSatisfying(
              InferenceClient.InferenceException.class,
              e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND));
    }
  }

  @Test
  void badRequestsAreRefusedAsTritonDoes() throws Exception {
    ModelRepository repo =
        repositoryWith("ctr", TestModels.train(10, 3, 2), FilModelConfig.Serving.onCpu());
    try (EmbeddedInferenceServer server =
            EmbeddedInferenceServer.start(repo.root(), "127.0.0.1", 0, 0);
        InferenceClient client = InferenceClient.connect(server.address())) {
      client.load("ctr");
      ManagedChannel channel =
          NettyChannelBuilder.forTarget(server.address()).usePlaintext().build();
      var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
      byte[] oneRow = new byte[TestModels.FEATURES * 4];
      assertStatus(
          () -> stub.modelInfer(request("ctr", "features", "FP32", 1, TestModels.FEATURES, oneRow)),
          Status.Code.INVALID_ARGUMENT,
          "'features'");
      assertStatus(
          () -> stub.modelInfer(request("ctr", "input__0", "FP64", 1, TestModels.FEATURES, oneRow)),
          Status.Code.INVALID_ARGUMENT,
          "data-type is 'FP64'");
      assertStatus(
          () -> stub.modelInfer(request("ctr", "input__0", "FP32", 1, 5, oneRow)),
          Status.Code.INVALID_ARGUMENT,
          "unexpected shape for input 'input__0'");
      assertStatus(
          () -> stub.modelInfer(request("ctr", "input__0", "FP32", 2, TestModels.FEATURES, oneRow)),
          Status.Code.INVALID_ARGUMENT,
          "raw contents hold");
      assertStatus(
          () ->
              stub.modelInfer(
                  request(
                      "ctr",
                      "input__0",
                      "FP32",
                      9000,
                      TestModels.FEATURES,
                      new byte[9000 * TestModels.FEATURES * 4])),
          Status.Code.INVALID_ARGUMENT,
          "batch-size must be <= 8192");
      assertStatus(
          () -> stub.modelInfer(request("ltv", "input__0", "FP32", 1, TestModels.FEATURES, oneRow)),
          Status.Code.NOT_FOUND,
          "unknown model: 'ltv'");
      assertStatus(
          () ->
              stub.modelInfer(
                  request("ctr", "input__0", "FP32", 1, TestModels.FEATURES, oneRow).toBuilder()
                      .setModelVersion("7")
                      .build()),
          Status.Code.NOT_FOUND,
          "version 7");
      assertThatThrownBy(() -> client.load("nope"))
          .isInstanceOfSatisfying(
              InferenceClient.InferenceException.class,
              e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND));
      channel.shutdownNow();
    }
  }

  @Test
  void aBrokenVersionFailsToLoadAndTheServingOneKeepsServing() throws Exception {
    Booster booster = TestModels.train(20, 3, 3);
    ModelRepository repo = repositoryWith("ctr", booster, FilModelConfig.Serving.onCpu());
    try (EmbeddedInferenceServer server =
            EmbeddedInferenceServer.start(repo.root(), "127.0.0.1", 0, 0);
        InferenceClient client = InferenceClient.connect(server.address())) {
      client.load("ctr");
      Path garbage = Files.writeString(dir.resolve("broken.json"), "{\"learner\": [not json");
      repo.addVersion("ctr", 2, garbage, TestModels.metadata("ctr", 2));
      repo.writeConfig(
          FilModelConfig.build(
              "ctr",
              TestModels.metadata("ctr", 2),
              FilModelConfig.Serving.onCpu(),
              TestModels.versions(1, 2)));
      assertThatThrownBy(() -> client.load("ctr"))
          .isInstanceOfSatisfying(
              InferenceClient.InferenceException.class,
              e -> {
                assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getMessage()).contains("version 2", "xgboost.json");
              });
      float[] row = TestModels.rows(1, 4);
      assertThat(client.infer("ctr", null, row, 1, TestModels.FEATURES).version()).isEqualTo("1");
      assertThat(client.repositoryIndex().getModelsList())
          .anySatisfy(
              m -> {
                assertThat(m.getVersion()).isEqualTo("2");
                assertThat(m.getReason()).contains("xgboost.json");
              });

      Files.writeString(
          repo.root().resolve("ctr").resolve("config.pbtxt"),
          "backend: \"fil\"\n" + "max_batch_sise: 8\n");
      assertThatThrownBy(() -> client.load("ctr")).hasMessageContaining("max_batch_sise");
      assertThat(client.infer("ctr", "1", row, 1, TestModels.FEATURES).values()).hasSize(1);
    }
  }

  @Test
  void concurrentRequestsAreBatchedTogether() throws Exception {
    ModelRepository repo =
        repositoryWith(
            "ctr",
            TestModels.train(20, 3, 5),
            new FilModelConfig.Serving(false, 1, 64, List.of(), 20_000));
    try (EmbeddedInferenceServer server =
            EmbeddedInferenceServer.start(repo.root(), "127.0.0.1", 0, 0);
        InferenceClient client = InferenceClient.connect(server.address())) {
      client.load("ctr");
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<InferenceClient.Scores>> futures = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        float[] row = TestModels.rows(1, 100 + i);
        futures.add(pool.submit(() -> client.infer("ctr", null, row, 1, TestModels.FEATURES)));
      }
      for (Future<InferenceClient.Scores> f : futures) {
        assertThat(f.get().values()).hasSize(1);
      }
      pool.shutdown();
      ModelStatistics stats = client.statistics("ctr").get(0);
      assertThat(stats.getInferenceCount()).isEqualTo(64);
      assertThat(stats.getExecutionCount()).isLessThan(64);
      assertThat(stats.getBatchStatsList())
          .anySatisfy(b -> assertThat(b.getBatchSize()).isGreaterThan(1));
    }
  }

  @Test
  void generatedConfigsParseBackAgainstTheSchemaAndTyposFail() throws Exception {
    ModelConfig gpu =
        FilModelConfig.build(
            "flywheel-ctr",
            TestModels.metadata("flywheel-ctr", 3),
            FilModelConfig.Serving.onGpu(),
            TestModels.versions(2, 3));
    String text = FilModelConfig.print(gpu);
    assertThat(text)
        .contains(
            "backend: \"fil\"",
            "kind: KIND_GPU",
            "name: \"input__0\"",
            "data_type: TYPE_FP32",
            "string_value: \"xgboost_json\"",
            "max_queue_delay_microseconds");
    assertThat(FilModelConfig.parse(text)).isEqualTo(gpu);
    // Triton's own list syntax reads too.
    ModelConfig written =
        FilModelConfig.parse(
            "backend: \"fil\"\nmax_batch_size: 32\n"
                + "input [ { name: \"input__0\" data_type: TYPE_FP32 dims: [ 6 ] } ]\n"
                + "output [ { name: \"output__0\" data_type: TYPE_FP32 dims: [ 1 ] } ]\n"
                + "instance_group [{ kind: KIND_CPU }]\n"
                + "parameters [ { key: \"model_type\" value: { string_value: \"xgboost_json\" } } ]\n"
                + "dynamic_batching {}\n");
    assertThat(written.getInput(0).getDims(0)).isEqualTo(6);
    assertThatThrownBy(
            () ->
                FilModelConfig.parse("backend: \"fil\"\ninstance_group [{ kind: " + "KIND_GPUU }]"))
        .hasMessageContaining("KIND_GPUU");
    assertThatThrownBy(() -> FilModelConfig.parse("backend: \"fil\"\ndynamic_batchin {}"))
        .hasMessageContaining("dynamic_batchin");
  }

  private static ModelInferRequest request(
      String model, String input, String type, long rows, long cols, byte[] raw) {
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName(input)
                .setDatatype(type)
                .addShape(rows)
                .addShape(cols))
        .addRawInputContents(ByteString.copyFrom(raw))
        .build();
  }

  private static void assertStatus(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }
}
