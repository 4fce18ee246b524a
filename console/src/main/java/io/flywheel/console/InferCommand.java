package io.flywheel.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.flywheel.core.TextLines;
import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.RolloutState;
import io.flywheel.deploy.ServingMetadata;
import io.flywheel.workflows.ModelDeployment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel infer MODEL --input FILE}: score rows through the model's rollout. */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    description =
        "Score rows with a deployed model (through its rollout, so a canary gets its "
            + "share) and print one JSON line per row.")
final class InferCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Parameters(paramLabel = "MODEL", description = "Deployed model, e.g. flywheel-ctr.")
  private String model;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description =
          "JSON lines: each an object of every feature name -> number (null = unknown) "
              + "or an array in the model's feature order; an optional \"key\" routes the row.")
  private Path input;

  @Override
  public Integer call() throws Exception {
    InputFiles.require(spec.commandLine(), "--input", input);
    PrintWriter out = spec.commandLine().getOut();
    try (ModelDeployment deployment = ModelDeployment.open(root.home(), root.config())) {
      RolloutState state = deployment.rollout().state(model);
      if (state.live() == null) {
        throw new ParameterException(
            spec.commandLine(),
            "MODEL: '" + model + "' has no live " + "version (see `flywheel deploy`)");
      }
      ServingMetadata metadata = deployment.repository().readMetadata(model, state.live());
      List<String> names = metadata.featureNames();
      Map<Integer, ServingMetadata> byVersion = new java.util.HashMap<>();
      try (TextLines lines = TextLines.open(input)) {
        TextLines.Line read;
        while ((read = lines.next()) != null) {
          int line = (int) read.number();
          if (!read.isText()) {
            throw new ParameterException(
                spec.commandLine(), "--input line " + line + ": " + read.problem());
          }
          String text = read.text();
          if (text.isBlank()) {
            continue;
          }
          JsonNode row;
          try {
            row = TrainCommand.JSON.readTree(text);
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ParameterException(
                spec.commandLine(),
                "--input line " + line + ": not JSON: " + e.getOriginalMessage());
          }
          float[] values = features(row, names, line);
          String key =
              row.isObject() && row.hasNonNull("key") ? row.get("key").asText() : "row-" + line;
          InferenceClient.Scores scores =
              deployment.rollout().score(model, key, values, 1, names.size());
          int version = Integer.parseInt(scores.version());
          ServingMetadata used = byVersion.get(version);
          if (used == null) {
            used = deployment.repository().readMetadata(model, version);
            byVersion.put(version, used);
          }
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("line", line);
          result.put("key", key);
          result.put("version", version);
          result.put("score", used.correct(scores.values()[0]));
          out.println(
              TrainCommand.JSON
                  .writer()
                  .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                  .writeValueAsString(result));
        }
      }
    }
    return 0;
  }

  private float[] features(JsonNode row, List<String> names, int line) {
    float[] values = new float[names.size()];
    if (row.isArray()) {
      if (row.size() != names.size()) {
        throw new ParameterException(
            spec.commandLine(),
            "--input line "
                + line
                + ": "
                + row.size()
                + " values, the model takes "
                + names.size());
      }
      for (int i = 0; i < values.length; i++) {
        values[i] = number(row.get(i), names.get(i), line);
      }
      return values;
    }
    if (!row.isObject()) {
      throw new ParameterException(
          spec.commandLine(), "--input line " + line + ": expected an object or an array");
    }
    List<String> unknown = new ArrayList<>();
    row.fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("key") && !names.contains(f)) {
                unknown.add(f);
              }
            });
    if (!unknown.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "--input line " + line + ": unknown features " + unknown);
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      JsonNode v = row.get(names.get(i));
      if (v == null) {
        missing.add(names.get(i));
      } else {
        values[i] = number(v, names.get(i), line);
      }
    }
    if (!missing.isEmpty()) {
      // A forgotten feature is refused rather than guessed; null says "unknown" on purpose.
      throw new ParameterException(
          spec.commandLine(),
          "--input line "
              + line
              + ": missing feature"
              + (missing.size() == 1 ? " '" + missing.get(0) + "'" : "s " + missing)
              + " (give a number, or null for unknown)");
    }
    return values;
  }

  /** A feature's value: a number, or null for unknown (XGBoost's missing value). */
  private float number(JsonNode value, String feature, int line) {
    if (value.isNull()) {
      return Float.NaN;
    }
    if (!value.isNumber()) {
      throw new ParameterException(
          spec.commandLine(),
          "--input line "
              + line
              + ": feature '"
              + feature
              + "': expected a number or null, got "
              + value);
    }
    double d = value.asDouble();
    if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
      throw new ParameterException(
          spec.commandLine(),
          "--input line " + line + ": feature '" + feature + "': " + value + " is out of range");
    }
    return (float) d;
  }
}
