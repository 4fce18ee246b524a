package io.flywheel.console;

import picocli.CommandLine.Option;

/** How a command reports: human text or JSON, with or without a progress display. */
final class OutputOptions {
  @Option(names = "--json", description = "Print the result as JSON.")
  private boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress display.")
  private boolean quiet;

  boolean json() {
    return json;
  }

  boolean showProgress() {
    return !quiet;
  }
}
