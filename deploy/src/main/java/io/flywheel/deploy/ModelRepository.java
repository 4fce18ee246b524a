package io.flywheel.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flywheel.core.AtomicFiles;
import io.flywheel.deploy.triton.ModelConfigProto.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Triton model repository on disk: {@code <root>/<model>/config.pbtxt} and {@code
 * <root>/<model>/<version>/xgboost.json} (what the FIL backend loads), plus Flywheel's {@code
 * flywheel.json} (feature order, target, sampling rate, lineage) in each version folder. Files are
 * written beside their final name and moved into place, so a server polling the repository never
 * reads half a file.
 */
public final class ModelRepository {
  static final String CONFIG_FILE = "config.pbtxt";
  static final String METADATA_FILE = "flywheel.json";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;

  public ModelRepository(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** Adds a version's files (the config is written separately, by {@link #writeConfig}). */
  public Path addVersion(String model, int version, Path xgboostJson, ServingMetadata metadata)
      throws IOException {
    requireName(model);
    if (version < 1) {
      throw new IllegalArgumentException("version: must be at least 1, got " + version);
    }
    Path dir = Files.createDirectories(root.resolve(model).resolve(Integer.toString(version)));
    AtomicFiles.writeShared(
        dir.resolve(FilModelConfig.MODEL_FILE),
        TreeliteModelFile.normalize(Files.readAllBytes(xgboostJson)));
    atomicWrite(dir.resolve(METADATA_FILE), JSON.writeValueAsString(metadata));
    return dir;
  }

  /** Writes the model's config.pbtxt: which versions to serve and how. */
  public Path writeConfig(ModelConfig config) throws IOException {
    requireName(config.getName());
    Path file = Files.createDirectories(root.resolve(config.getName())).resolve(CONFIG_FILE);
    atomicWrite(file, FilModelConfig.print(config));
    return file;
  }

  public ModelConfig readConfig(String model) throws IOException {
    Path file = root.resolve(model).resolve(CONFIG_FILE);
    try {
      return FilModelConfig.parse(Files.readString(file));
    } catch (com.google.protobuf.TextFormat.ParseException e) {
      throw new IOException(
          file + ": not a valid Triton model configuration: " + e.getMessage(), e);
    }
  }

  public ServingMetadata readMetadata(String model, int version) throws IOException {
    Path file = root.resolve(model).resolve(Integer.toString(version)).resolve(METADATA_FILE);
    return JSON.readValue(file.toFile(), ServingMetadata.class);
  }

  public Path modelFile(String model, int version) {
    return root.resolve(model)
        .resolve(Integer.toString(version))
        .resolve(FilModelConfig.MODEL_FILE);
  }

  /** Models with a config, by name. */
  public List<String> models() throws IOException {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return names;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      dirs.filter(d -> Files.isRegularFile(d.resolve(CONFIG_FILE)))
          .map(d -> d.getFileName().toString())
          .sorted()
          .forEach(names::add);
    }
    return names;
  }

  /** The version folders present for a model, ascending. */
  public List<Integer> versions(String model) throws IOException {
    List<Integer> versions = new ArrayList<>();
    Path dir = root.resolve(model);
    if (!Files.isDirectory(dir)) {
      return versions;
    }
    try (Stream<Path> dirs = Files.list(dir)) {
      dirs.filter(Files::isDirectory)
          .map(d -> d.getFileName().toString())
          .filter(n -> n.matches("[0-9]+"))
          .map(Integer::parseInt)
          .sorted()
          .forEach(versions::add);
    }
    return versions;
  }

  static void requireName(String model) {
    if (model == null || !model.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}")) {
      throw new IllegalArgumentException(
          "model: '" + model + "' is not a valid model name " + "(letters, digits, '.', '_', '-')");
    }
  }

  /** Every file of the repository is readable by a Triton running as another user (0644). */
  private static void atomicWrite(Path target, String text) throws IOException {
    AtomicFiles.writeShared(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
