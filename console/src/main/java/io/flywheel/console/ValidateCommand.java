package io.flywheel.console;

import io.flywheel.core.BadRecordException;
import io.flywheel.core.BadRecordHandler;
import io.flywheel.core.Codecs;
import io.flywheel.core.DeadLetterFile;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.RecordCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flywheel validate}: checks a JSON-lines file against Flywheel's data contracts. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Check a JSON-lines file against a data contract. Stops at the first bad line, "
            + "or with --dead-letter writes every bad line (number, field, reason) there and goes on.")
final class ValidateCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "KIND",
      description = "Record kind: events, products, users, content, campaigns or truth.")
  private String kind;

  @Parameters(index = "1", paramLabel = "FILE", description = "The JSON-lines file to check.")
  private Path file;

  @Option(
      names = "--dead-letter",
      paramLabel = "FILE",
      description = "Write bad lines here instead of stopping at the first.")
  private Path deadLetter;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws IOException {
    RecordCodec<?> codec;
    try {
      codec = Codecs.byName(kind);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "KIND: " + e.getMessage());
    }
    InputFiles.require(spec.commandLine(), "FILE", file);
    if (deadLetter != null
        && Files.exists(deadLetter)
        && Files.isSameFile(file.toRealPath(), deadLetter.toRealPath())) {
      // Opening the dead-letter file would truncate the very lines being checked.
      throw new ParameterException(
          spec.commandLine(),
          "--dead-letter "
              + deadLetter
              + ": is "
              + "the input file itself (it would be emptied); name another file");
    }
    if (deadLetter == null) {
      return failFast(codec);
    }
    try (DeadLetterFile dead = new DeadLetterFile(deadLetter);
        JsonLinesReader<?> reader = JsonLinesReader.open(file, codec, dead)) {
      reader.forEachRemaining(record -> {});
      report(reader.accepted(), reader.rejected());
      return 0;
    }
  }

  private int failFast(RecordCodec<?> codec) throws IOException {
    try (JsonLinesReader<?> reader =
        JsonLinesReader.open(file, codec, BadRecordHandler.failFast())) {
      try {
        reader.forEachRemaining(record -> {});
      } catch (BadRecordException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 1;
      }
      report(reader.accepted(), reader.rejected());
      return 0;
    }
  }

  private void report(long accepted, long rejected) {
    if (output.json()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("file", file.toString());
      result.put("kind", kind);
      result.put("accepted", accepted);
      result.put("rejected", rejected);
      if (deadLetter != null) {
        result.put("deadLetter", deadLetter.toString());
      }
      spec.commandLine().getOut().println(SummaryReport.json(result));
    } else {
      spec.commandLine()
          .getOut()
          .printf(
              "%s: %,d %s accepted, %,d rejected%s%n",
              file,
              accepted,
              kind,
              rejected,
              rejected > 0 && deadLetter != null ? " (see " + deadLetter + ")" : "");
    }
  }
}
