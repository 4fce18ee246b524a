package io.flywheel.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the CLI in process as a user would (no MLFLOW/TEMPORAL/... variables set, so every engine is
 * embedded) and reads what it printed. The JSON readers fail on a missing key instead of reading a
 * default, so an assertion on a value cannot pass because the value is absent.
 */
final class Cli {
  static final ObjectMapper JSON = new ObjectMapper();

  private Cli() {}

  /** What one command printed and how it exited. */
  record Result(int code, String out, String err) {
    /** The whole standard output as JSON, after checking the command succeeded. */
    JsonNode json() {
      assertThat(code).as("exit code; out:%n%s%nerr:%n%s", out, err).isZero();
      return parse(out);
    }

    /**
     * The JSON object printed after any text lines (e.g. {@code pipelines run --json}, which exits
     * 1 for a failed run and still prints its state).
     */
    JsonNode jsonObject() {
      int start = out.indexOf('{');
      assertThat(start).as("a JSON object in%n%s%nerr:%n%s", out, err).isNotNegative();
      return parse(out.substring(start));
    }

    /** A short description for {@code as(...)}: the exit code and both streams. */
    String transcript() {
      return "exit " + code + "\nout:\n" + out + "\nerr:\n" + err;
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = FlywheelCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  /** {@code flywheel --home HOME args...}. */
  static Result run(Path home, String... args) {
    List<String> all = new ArrayList<>(List.of("--home", home.toString()));
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }

  /** As {@link #run(Path, String...)}, failing the test with the transcript unless it exits 0. */
  static Result ok(Path home, String... args) {
    Result result = run(home, args);
    assertThat(result.code())
        .as("flywheel %s%n%s", String.join(" ", args), result.transcript())
        .isZero();
    return result;
  }

  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }

  /** The node at {@code pointer} (e.g. {@code /metrics/auc}), which must exist. */
  static JsonNode at(JsonNode node, String pointer) {
    JsonNode value = node.at(pointer);
    assertThat(value.isMissingNode()).as("%s present in %s", pointer, node).isFalse();
    return value;
  }

  /** The number at {@code pointer}, which must exist and be a number (not null, not text). */
  static double number(JsonNode node, String pointer) {
    JsonNode value = at(node, pointer);
    assertThat(value.isNumber()).as("%s is a number in %s", pointer, node).isTrue();
    return value.asDouble();
  }

  /** The whole number at {@code pointer}, which must exist and be an integer. */
  static long integer(JsonNode node, String pointer) {
    JsonNode value = at(node, pointer);
    assertThat(value.isIntegralNumber()).as("%s is an integer in %s", pointer, node).isTrue();
    return value.asLong();
  }

  /** The text at {@code pointer}, which must exist and be a string. */
  static String text(JsonNode node, String pointer) {
    JsonNode value = at(node, pointer);
    assertThat(value.isTextual()).as("%s is text in %s", pointer, node).isTrue();
    return value.asText();
  }

  /**
   * A number a task wrote into its outputs (task outputs are strings), which must be present and
   * parse.
   */
  static double outputNumber(JsonNode node, String pointer) {
    return Double.parseDouble(text(node, pointer));
  }
}
