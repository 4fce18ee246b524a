package io.flywheel.console;

import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code NAME}, {@code NAME:VERSION} or {@code NAME@ALIAS} → a registered version. */
final class ModelRefs {
  private ModelRefs() {}

  static ModelVersionInfo resolve(ModelRegistry registry, String ref, CommandLine cli) {
    return resolve(registry, ref, cli, "MODEL");
  }

  /** As above, naming the option or parameter {@code label} in errors. */
  static ModelVersionInfo resolve(
      ModelRegistry registry, String ref, CommandLine cli, String label) {
    String name = ref;
    String alias = ModelRegistry.CHAMPION;
    Integer version = null;
    if (ref.contains("@")) {
      name = ref.substring(0, ref.indexOf('@'));
      alias = ref.substring(ref.indexOf('@') + 1);
    } else if (ref.contains(":")) {
      name = ref.substring(0, ref.indexOf(':'));
      try {
        version = Integer.parseInt(ref.substring(ref.indexOf(':') + 1));
      } catch (NumberFormatException e) {
        throw new ParameterException(
            cli, label + ": version must be a number in NAME:VERSION, " + "got '" + ref + "'");
      }
    }
    if (registry.findModel(name).isEmpty()) {
      throw new ParameterException(
          cli, label + ": no registered model named '" + name + "' (see `flywheel models list`)");
    }
    if (version != null) {
      return registry.version(name, version);
    }
    String n = name;
    String a = alias;
    return registry
        .aliased(name, alias)
        .orElseThrow(
            () ->
                new ParameterException(
                    cli, label + ": " + n + " has no version aliased '" + a + "'"));
  }
}
