package io.flywheel.deploy;

import io.flywheel.deploy.triton.ModelConfigProto.DataType;
import io.flywheel.deploy.triton.ModelConfigProto.ModelConfig;
import io.flywheel.deploy.triton.ModelConfigProto.ModelParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the Triton FIL backend requires of a {@code config.pbtxt}, per release generation, as its
 * documentation and its parameter-reading code state them (the backend's {@code shared_state.h}): a
 * config that passes here loads as far as the parameters go; whether the GPU then serves it
 * correctly only a GPU run can show.
 *
 * <ul>
 *   <li>{@link Release#R24} (24.01 to 25.08): {@code output_class} required; {@code threshold}
 *       required when it is true; {@code storage_type} and {@code algo} from fixed lists.
 *   <li>{@link Release#R25_09} (25.09 on): {@code is_classifier} required unless the deprecated
 *       {@code output_class} is given (which then decides); {@code threshold} required for
 *       classifiers; {@code storage_type}, {@code blocks_per_sm}, {@code algo} and {@code
 *       threads_per_tree} removed.
 * </ul>
 *
 * Both: {@code backend: "fil"}; {@code input__0} and {@code output__0} in FP32; {@code model_type}
 * from the supported formats; booleans {@code "true"}/{@code "false"}; a classifier with {@code
 * predict_proba} declares {@code output__0} dims [2] (which both generations fill with (1 - p, p));
 * otherwise dims [1].
 */
public final class FilParameterRules {
  /** FIL backend generations whose parameter rules differ. */
  public enum Release {
    R24("24.01-25.08"),
    R25_09("25.09+");

    private final String label;

    Release(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  private static final Set<String> MODEL_TYPES =
      Set.of("xgboost", "xgboost_json", "xgboost_ubj", "lightgbm", "treelite_checkpoint");
  private static final Set<String> BOOLEANS =
      Set.of(
          "output_class",
          "is_classifier",
          "predict_proba",
          "xgboost_allow_unknown_field",
          "use_experimental_optimizations");
  private static final Set<String> REMOVED_IN_25_09 =
      Set.of("storage_type", "blocks_per_sm", "algo", "threads_per_tree");

  private FilParameterRules() {}

  /** Every rule {@code config} breaks for {@code release}; empty when it loads there. */
  public static List<String> problems(ModelConfig config, Release release) {
    List<String> problems = new ArrayList<>();
    String where = config.getName() + " (FIL " + release + "): ";
    if (!"fil".equals(config.getBackend())) {
      problems.add(where + "backend must be \"fil\", got \"" + config.getBackend() + "\"");
    }
    if (config.getInputCount() != 1
        || !FilModelConfig.INPUT.equals(config.getInput(0).getName())
        || config.getInput(0).getDataType() != DataType.TYPE_FP32
        || config.getInput(0).getDimsCount() != 1) {
      problems.add(where + "one input, input__0, TYPE_FP32 with one dimension (the features)");
    }
    if (config.getOutputCount() != 1
        || !FilModelConfig.OUTPUT.equals(config.getOutput(0).getName())
        || config.getOutput(0).getDataType() != DataType.TYPE_FP32
        || config.getOutput(0).getDimsCount() != 1) {
      problems.add(where + "one output, output__0, TYPE_FP32 with one dimension");
    }
    Map<String, ModelParameter> params = config.getParametersMap();
    String modelType = text(params, "model_type");
    if (modelType == null) {
      problems.add(where + "model_type is required (the backend would assume legacy binary)");
    } else if (!MODEL_TYPES.contains(modelType)) {
      problems.add(where + "model_type '" + modelType + "' is not one of " + MODEL_TYPES);
    }
    for (String key : BOOLEANS) {
      String value = text(params, key);
      if (value != null && !value.equals("true") && !value.equals("false")) {
        problems.add(where + key + " must be \"true\" or \"false\", got \"" + value + "\"");
      }
    }
    Boolean classifier = classifier(params, release, where, problems);
    if (Boolean.TRUE.equals(classifier)) {
      String threshold = text(params, "threshold");
      if (threshold == null) {
        problems.add(where + "threshold is required for a classifier");
      } else {
        try {
          float t = Float.parseFloat(threshold);
          if (!(t >= 0 && t <= 1)) {
            problems.add(where + "threshold must be within 0..1, got " + threshold);
          }
        } catch (NumberFormatException e) {
          problems.add(where + "threshold must be a number, got \"" + threshold + "\"");
        }
      }
    }
    boolean proba = "true".equals(text(params, "predict_proba"));
    if (proba && !Boolean.TRUE.equals(classifier)) {
      problems.add(where + "predict_proba is for classifiers only");
    }
    if (config.getOutputCount() == 1 && config.getOutput(0).getDimsCount() == 1) {
      long dims = config.getOutput(0).getDims(0);
      long expected = proba ? 2 : 1;
      if (dims != expected) {
        problems.add(
            where
                + "output__0 dims ["
                + dims
                + "]: a "
                + (proba ? "binary classifier with predict_proba" : "model without predict_proba")
                + " needs ["
                + expected
                + "] to read correctly in every release");
      }
    }
    if (release == Release.R25_09) {
      for (String removed : REMOVED_IN_25_09) {
        if (params.containsKey(removed)) {
          problems.add(where + removed + " was removed in 25.09");
        }
      }
    } else {
      check(params, "storage_type", Set.of("AUTO", "DENSE", "SPARSE", "SPARSE8"), where, problems);
      check(
          params,
          "algo",
          Set.of("ALGO_AUTO", "NAIVE", "TREE_REORG", "BATCH_TREE_REORG"),
          where,
          problems);
    }
    return problems;
  }

  /** Whether the config declares a classifier, by the release's rule; null when it does not say. */
  private static Boolean classifier(
      Map<String, ModelParameter> params, Release release, String where, List<String> problems) {
    String outputClass = text(params, "output_class");
    String isClassifier = text(params, "is_classifier");
    if (release == Release.R24) {
      if (outputClass == null) {
        problems.add(where + "output_class is required");
        return null;
      }
      return Boolean.valueOf(outputClass);
    }
    if (outputClass != null && isClassifier != null && !outputClass.equals(isClassifier)) {
      problems.add(
          where
              + "output_class ("
              + outputClass
              + ") overrides is_classifier ("
              + isClassifier
              + "): give both the same value");
    }
    String decides = outputClass != null ? outputClass : isClassifier;
    if (decides == null) {
      problems.add(where + "is_classifier is required");
      return null;
    }
    return Boolean.valueOf(decides);
  }

  private static void check(
      Map<String, ModelParameter> params,
      String key,
      Set<String> allowed,
      String where,
      List<String> problems) {
    String value = text(params, key);
    if (value != null && !allowed.contains(value)) {
      problems.add(where + key + " '" + value + "' is not one of " + allowed);
    }
  }

  private static String text(Map<String, ModelParameter> params, String key) {
    ModelParameter p = params.get(key);
    return p == null ? null : p.getStringValue();
  }
}
