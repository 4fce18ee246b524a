package io.flywheel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.deploy.FilParameterRules.Release;
import io.flywheel.deploy.triton.ModelConfigProto.ModelConfig;
import io.flywheel.deploy.triton.ModelConfigProto.ModelParameter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every generated FIL repository passes the backend's parameter rules of each supported release.
 */
class FilParameterRulesTest {
  @TempDir Path dir;

  private static ServingMetadata ranker() {
    ServingMetadata m = TestModels.metadata("flywheel-rank", 1);
    return new ServingMetadata(
        m.registeredModel(),
        m.registeredVersion(),
        m.mlflowRunId(),
        "rank",
        m.featureNames(),
        m.negativeSampling(),
        m.trainingWindow());
  }

  private static List<ModelConfig> generated() {
    return List.of(
        FilModelConfig.build(
            "flywheel-ctr",
            TestModels.metadata("flywheel-ctr", 1),
            FilModelConfig.Serving.onGpu(),
            List.of(1)),
        FilModelConfig.build(
            "flywheel-ctr",
            TestModels.metadata("flywheel-ctr", 1),
            FilModelConfig.Serving.onCpu(),
            List.of(1)),
        FilModelConfig.build(
            "flywheel-rank", ranker(), FilModelConfig.Serving.onGpu(), List.of(1)));
  }

  /** A model file's base_score as written. */
  private static String baseScore(byte[] xgboostJson) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"base_score\"\\s*:\\s*\"([^\"]*)\"")
            .matcher(new String(xgboostJson, StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : null;
  }

  private static ModelConfig with(ModelConfig config, String key, String value) {
    return config.toBuilder()
        .putParameters(key, ModelParameter.newBuilder().setStringValue(value).build())
        .build();
  }

  private static ModelConfig without(ModelConfig config, String key) {
    return config.toBuilder().removeParameters(key).build();
  }

  @Test
  void generatedConfigsPassEverySupportedRelease() {
    for (ModelConfig config : generated()) {
      for (Release release : Release.values()) {
        assertThat(FilParameterRules.problems(config, release))
            .as("%s on %s:%n%s", config.getName(), release, FilModelConfig.print(config))
            .isEmpty();
      }
    }
    String classifier = FilModelConfig.print(generated().get(0));
    assertThat(classifier)
        .contains(
            "key: \"threshold\"",
            "key: \"is_classifier\"",
            "key: \"output_class\"",
            "key: \"predict_proba\"",
            "key: \"xgboost_allow_unknown_field\"",
            "dims: 2")
        .doesNotContain("storage_type", "use_experimental_optimizations");
    assertThat(FilModelConfig.outputColumns(generated().get(0))).isEqualTo(2);
    assertThat(FilModelConfig.outputColumns(generated().get(2))).isEqualTo(1);
  }

  @Test
  void eachRuleCatchesWhatTheBackendWouldRefuseOrMisread() {
    ModelConfig good = generated().get(0);
    assertThat(FilParameterRules.problems(without(good, "threshold"), Release.R24))
        .anyMatch(p -> p.contains("threshold is required"));
    assertThat(FilParameterRules.problems(without(good, "threshold"), Release.R25_09))
        .anyMatch(p -> p.contains("threshold is required"));
    assertThat(FilParameterRules.problems(without(good, "output_class"), Release.R24))
        .anyMatch(p -> p.contains("output_class is required"));
    assertThat(
            FilParameterRules.problems(
                without(without(good, "output_class"), "is_classifier"), Release.R25_09))
        .anyMatch(p -> p.contains("is_classifier is required"));
    assertThat(FilParameterRules.problems(with(good, "is_classifier", "false"), Release.R25_09))
        .anyMatch(p -> p.contains("overrides is_classifier"));
    assertThat(FilParameterRules.problems(with(good, "storage_type", "AUTO"), Release.R25_09))
        .anyMatch(p -> p.contains("storage_type was removed in 25.09"));
    assertThat(FilParameterRules.problems(with(good, "storage_type", "AUTO"), Release.R24))
        .isEmpty();
    assertThat(FilParameterRules.problems(with(good, "storage_type", "DENSEST"), Release.R24))
        .anyMatch(p -> p.contains("storage_type 'DENSEST'"));
    assertThat(FilParameterRules.problems(with(good, "predict_proba", "yes"), Release.R24))
        .anyMatch(p -> p.contains("predict_proba must be \"true\" or \"false\""));
    assertThat(FilParameterRules.problems(with(good, "threshold", "1.5"), Release.R24))
        .anyMatch(p -> p.contains("within 0..1"));
    assertThat(FilParameterRules.problems(with(good, "model_type", "onnx"), Release.R25_09))
        .anyMatch(p -> p.contains("model_type 'onnx'"));
    ModelConfig oneColumn =
        good.toBuilder().setOutput(0, good.getOutput(0).toBuilder().clearDims().addDims(1)).build();
    assertThat(FilParameterRules.problems(oneColumn, Release.R24))
        .anyMatch(p -> p.contains("dims [1]") && p.contains("needs [2]"));
  }

  @Test
  void theRepositoryIsReadableByAnotherUserAndTheModelFileByOldTreelite() throws Exception {
    ModelRepository repo = new ModelRepository(dir.resolve("repo"));
    Path model = TestModels.save(TestModels.train(10, 3, 1), dir.resolve("m.json"));
    String written = baseScore(Files.readAllBytes(model));
    assertThat(written).as("XGBoost 3 writes a vector").startsWith("[");
    repo.addVersion("ctr", 1, model, TestModels.metadata("ctr", 1));
    repo.writeConfig(generated().get(1).toBuilder().setName("ctr").build());
    byte[] served = Files.readAllBytes(repo.modelFile("ctr", 1));
    assertThat(baseScore(served)).isEqualTo(written.substring(1, written.length() - 1).trim());
    // Nothing else in the file changed.
    assertThat(new String(served, StandardCharsets.UTF_8).length())
        .isEqualTo(Files.readString(model).length() - 2);
    try (Stream<Path> files = Files.walk(repo.root())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
            .as(f.toString())
            .isEqualTo("rw-r--r--");
      }
    }
  }
}
