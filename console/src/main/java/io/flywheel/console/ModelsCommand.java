package io.flywheel.console;

import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.registry.RegisteredModelInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel models list|show|alias}: the model registry. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Registered models, their versions and aliases (champion, challenger).",
    subcommands = {
      ModelsCommand.ListModels.class,
      ModelsCommand.Show.class,
      ModelsCommand.Alias.class
    })
final class ModelsCommand implements Runnable {
  @ParentCommand FlywheelCli root;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Registered models.")
  static final class ListModels implements Callable<Integer> {
    @ParentCommand private ModelsCommand parent;

    @Mixin private OutputOptions output;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = parent.spec.commandLine().getOut();
      try (ModelRegistry registry = parent.root.registry(parent.root.home())) {
        List<RegisteredModelInfo> models = registry.models();
        if (output.json()) {
          out.println(TrainCommand.JSON.writeValueAsString(Map.of("models", models)));
          return 0;
        }
        if (models.isEmpty()) {
          out.println("no registered models yet: run `flywheel train --model ctr`");
        }
        for (RegisteredModelInfo m : models) {
          out.printf(
              Locale.ROOT,
              "%-24s latest v%d  aliases %s%n",
              m.name(),
              m.latestVersion(),
              m.aliases());
        }
      }
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "A model's versions with their figures and lineage.")
  static final class Show implements Callable<Integer> {
    @ParentCommand private ModelsCommand parent;

    @Parameters(paramLabel = "MODEL", description = "Registered model name, e.g. flywheel-ctr.")
    private String model;

    @Mixin private OutputOptions output;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = parent.spec.commandLine().getOut();
      try (ModelRegistry registry = parent.root.registry(parent.root.home())) {
        if (registry.findModel(model).isEmpty()) {
          throw new CommandLine.ParameterException(
              parent.spec.commandLine(),
              "MODEL: no " + "registered model named '" + model + "' (see `flywheel models list`)");
        }
        List<Map<String, Object>> versions = new ArrayList<>();
        for (ModelVersionInfo v : registry.versions(model)) {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("version", v.version());
          entry.put("aliases", v.aliases());
          entry.put("runId", v.runId());
          entry.put("metrics", v.runId().isEmpty() ? Map.of() : registry.run(v.runId()).metrics());
          entry.put("tags", v.tags());
          versions.add(entry);
        }
        if (output.json()) {
          out.println(
              TrainCommand.JSON.writeValueAsString(Map.of("model", model, "versions", versions)));
          return 0;
        }
        for (Map<String, Object> v : versions) {
          @SuppressWarnings("unchecked")
          Map<String, Double> m = (Map<String, Double>) v.get("metrics");
          out.printf(
              Locale.ROOT,
              "v%s %s run %s  auc %s  ndcg@5 %s  oracle ratio %s%n",
              v.get("version"),
              v.get("aliases"),
              v.get("runId"),
              fmt(m.get("auc")),
              fmt(m.get("ndcg_at_5")),
              fmt(m.get("oracle_ratio")));
        }
      }
      return 0;
    }

    private static String fmt(Double v) {
      return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
  }

  @Command(
      name = "alias",
      mixinStandardHelpOptions = true,
      description = "Point an alias (champion, challenger, ...) at a version.")
  static final class Alias implements Callable<Integer> {
    @ParentCommand private ModelsCommand parent;

    @Parameters(index = "0", paramLabel = "MODEL")
    private String model;

    @Parameters(index = "1", paramLabel = "ALIAS")
    private String alias;

    @Parameters(index = "2", paramLabel = "VERSION")
    private int version;

    @Override
    public Integer call() throws Exception {
      try (ModelRegistry registry = parent.root.registry(parent.root.home())) {
        registry.setAlias(model, alias, version);
        parent
            .spec
            .commandLine()
            .getOut()
            .printf(Locale.ROOT, "%s@%s -> version %d%n", model, alias, version);
      }
      return 0;
    }
  }
}
