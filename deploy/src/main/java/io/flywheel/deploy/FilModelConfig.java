package io.flywheel.deploy;

import com.google.protobuf.TextFormat;
import io.flywheel.deploy.triton.ModelConfigProto.DataType;
import io.flywheel.deploy.triton.ModelConfigProto.ModelConfig;
import io.flywheel.deploy.triton.ModelConfigProto.ModelDynamicBatching;
import io.flywheel.deploy.triton.ModelConfigProto.ModelInput;
import io.flywheel.deploy.triton.ModelConfigProto.ModelInstanceGroup;
import io.flywheel.deploy.triton.ModelConfigProto.ModelOutput;
import io.flywheel.deploy.triton.ModelConfigProto.ModelParameter;
import io.flywheel.deploy.triton.ModelConfigProto.ModelVersionPolicy;
import java.util.List;

/**
 * Triton configurations for XGBoost models on the FIL backend: {@code input__0} (FP32, one row of
 * features), {@code output__0} (FP32: for classifiers (1 - p, p) per row, for rankers the raw
 * score), dynamic batching, an instance group on GPU (or CPU), and the versions to serve. Built as
 * the schema's message and printed with protobuf's text format, so a config can only name fields
 * Triton knows; the FIL parameters are valid for FIL releases 24.01 to 25.08 and from 25.09 on
 * ({@link FilParameterRules} checks both).
 */
public final class FilModelConfig {
  public static final String INPUT = "input__0";
  public static final String OUTPUT = "output__0";
  public static final String MODEL_FILE = "xgboost.json";
  public static final int DEFAULT_MAX_BATCH = 8192;

  /** How a deployment wants the model served. */
  public record Serving(
      boolean gpu,
      int instances,
      int maxBatchSize,
      List<Integer> preferredBatch,
      long maxQueueDelayMicros) {
    public Serving {
      if (instances < 1 || maxBatchSize < 1 || maxQueueDelayMicros < 0) {
        throw new IllegalArgumentException(
            "instances and maxBatchSize must be positive and the " + "queue delay not negative");
      }
      for (int size : preferredBatch) {
        if (size < 1 || size > maxBatchSize) {
          throw new IllegalArgumentException(
              "preferredBatch: " + size + " is outside 1.." + maxBatchSize);
        }
      }
      preferredBatch = List.copyOf(preferredBatch);
    }

    /** One GPU instance, batches up to 8192 rows, 100 µs to gather them. */
    public static Serving onGpu() {
      return new Serving(true, 1, DEFAULT_MAX_BATCH, List.of(512, 2048), 100);
    }

    /** For a CPU-only Triton (and the embedded server): two instances. */
    public static Serving onCpu() {
      return new Serving(false, 2, DEFAULT_MAX_BATCH, List.of(512, 2048), 100);
    }
  }

  private FilModelConfig() {}

  public static ModelConfig build(
      String modelName, ServingMetadata metadata, Serving serving, List<Integer> versions) {
    boolean classifier = !metadata.ranking();
    ModelConfig.Builder config =
        ModelConfig.newBuilder()
            .setName(modelName)
            .setBackend("fil")
            .setMaxBatchSize(serving.maxBatchSize())
            .setVersionPolicy(
                ModelVersionPolicy.newBuilder()
                    .setSpecific(
                        ModelVersionPolicy.Specific.newBuilder()
                            .addAllVersions(versions.stream().map(Integer::longValue).toList())))
            .addInput(
                ModelInput.newBuilder()
                    .setName(INPUT)
                    .setDataType(DataType.TYPE_FP32)
                    .addDims(metadata.featureNames().size()))
            .addOutput(
                ModelOutput.newBuilder()
                    .setName(OUTPUT)
                    .setDataType(DataType.TYPE_FP32)
                    .addDims(classifier ? 2 : 1))
            .addInstanceGroup(
                ModelInstanceGroup.newBuilder()
                    .setCount(serving.instances())
                    .setKind(
                        serving.gpu()
                            ? ModelInstanceGroup.Kind.KIND_GPU
                            : ModelInstanceGroup.Kind.KIND_CPU))
            .setDynamicBatching(
                ModelDynamicBatching.newBuilder()
                    .addAllPreferredBatchSize(serving.preferredBatch())
                    .setMaxQueueDelayMicroseconds(serving.maxQueueDelayMicros()));
    parameter(config, "model_type", "xgboost_json");
    // XGBoost 3 writes fields (e.g. `cats`) the treelite in older FIL releases does not know.
    parameter(config, "xgboost_allow_unknown_field", "true");
    // Both names, equal: `output_class` before 25.09, `is_classifier` from 25.09 (where
    // `output_class`, if present, overrides it).
    parameter(config, "is_classifier", Boolean.toString(classifier));
    parameter(config, "output_class", Boolean.toString(classifier));
    if (classifier) {
      // Required for classifiers in every release (the decision cut, unused with predict_proba).
      parameter(config, "threshold", "0.5");
      // Probabilities, as (1 - p, p) per row: output dims [2], the client reads column 1.
      parameter(config, "predict_proba", "true");
    }
    return config.build();
  }

  /**
   * Values per row in {@code output__0}: 2 for a classifier's (1 - p, p), 1 for a ranker's score.
   * Read the score from the last column.
   */
  public static int outputColumns(ModelConfig config) {
    return config.getOutputCount() == 0 || config.getOutput(0).getDimsCount() == 0
        ? 1
        : (int) config.getOutput(0).getDims(0);
  }

  private static void parameter(ModelConfig.Builder config, String key, String value) {
    config.putParameters(key, ModelParameter.newBuilder().setStringValue(value).build());
  }

  public static String print(ModelConfig config) {
    return TextFormat.printer().printToString(config);
  }

  /** Parses a config.pbtxt against the schema; an unknown field or bad value is an error. */
  public static ModelConfig parse(String text) throws TextFormat.ParseException {
    ModelConfig.Builder builder = ModelConfig.newBuilder();
    TextFormat.getParser().merge(text, builder);
    return builder.build();
  }
}
