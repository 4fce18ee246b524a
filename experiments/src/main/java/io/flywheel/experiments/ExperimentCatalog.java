package io.flywheel.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The home's experiments: each definition as {@code HOME/experiments/<id>.yaml} and its lifecycle
 * (draft → running → stopped, with times) beside it in {@code <id>.state.json}. Files are replaced
 * atomically, so a crash never leaves half a definition. Starting an experiment refuses one whose
 * slice of its layer overlaps another running experiment's (shoppers would be in both).
 */
public final class ExperimentCatalog {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An experiment with where it stands. */
  public record Entry(
      ConversionExperiment experiment, String status, Long startedAt, Long stoppedAt) {
    public boolean running() {
      return "running".equals(status);
    }

    /**
     * {@code experiment} running, with no recorded start (given directly, not from a catalogue).
     */
    public static Entry runningNow(ConversionExperiment experiment) {
      return new Entry(experiment, "running", null, null);
    }
  }

  private final Path dir;

  public ExperimentCatalog(Path home) {
    this.dir = home.resolve("experiments");
  }

  public Path folder() {
    return dir;
  }

  /** Adds a draft; an id already there is refused (nothing is overwritten). */
  public Entry create(ConversionExperiment experiment) throws IOException {
    Files.createDirectories(dir);
    if (Files.exists(definition(experiment.id()))) {
      throw new ExperimentDefinitionException(
          "id", "an experiment '" + experiment.id() + "' already exists in " + dir);
    }
    write(definition(experiment.id()), experiment.toYaml());
    Entry entry = new Entry(experiment, "draft", null, null);
    writeState(entry);
    return entry;
  }

  public List<Entry> list() throws IOException {
    List<Entry> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        String id = f.getFileName().toString().replaceFirst("\\.yaml$", "");
        out.add(get(id));
      }
    }
    return out;
  }

  public Optional<Entry> find(String id) throws IOException {
    return Files.isRegularFile(definition(id)) ? Optional.of(get(id)) : Optional.empty();
  }

  public Entry get(String id) throws IOException {
    Path file = definition(id);
    if (!Files.isRegularFile(file)) {
      throw new ExperimentDefinitionException("id", "no experiment '" + id + "' in " + dir);
    }
    ConversionExperiment experiment = ConversionExperiment.parse(Files.readString(file));
    Path state = state(id);
    if (!Files.isRegularFile(state)) {
      return new Entry(experiment, "draft", null, null);
    }
    JsonNode s = JSON.readTree(state.toFile());
    return new Entry(
        experiment,
        s.path("status").asText("draft"),
        s.hasNonNull("startedAt") ? s.get("startedAt").asLong() : null,
        s.hasNonNull("stoppedAt") ? s.get("stoppedAt").asLong() : null);
  }

  /** Starts a draft (or restarts a stopped experiment) at {@code now}. */
  public Entry start(String id, long now) throws IOException {
    Entry entry = get(id);
    if (entry.running()) {
      return entry;
    }
    ConversionExperiment e = entry.experiment();
    for (Entry other : list()) {
      ConversionExperiment o = other.experiment();
      if (other.running()
          && !o.id().equals(id)
          && o.layer().equals(e.layer())
          && o.layerFrom() < e.layerTo()
          && e.layerFrom() < o.layerTo()) {
        throw new ExperimentDefinitionException(
            "traffic",
            "overlaps running experiment '"
                + o.id()
                + "' in layer '"
                + e.layer()
                + "' (["
                + o.layerFrom()
                + ", "
                + o.layerTo()
                + ")); give them disjoint slices or different layers");
      }
    }
    Entry started =
        new Entry(e, "running", entry.startedAt() == null ? now : entry.startedAt(), null);
    writeState(started);
    return started;
  }

  public Entry stop(String id, long now) throws IOException {
    Entry entry = get(id);
    Entry stopped = new Entry(entry.experiment(), "stopped", entry.startedAt(), now);
    writeState(stopped);
    return stopped;
  }

  /**
   * A shipped arm's treatment, promoted to every shopper outside the running experiments (and the
   * base an experiment's arms change): how a copy strategy or ranking policy that won goes live.
   */
  public record Promotion(
      String experiment, String arm, Map<String, String> treatment, long promotedAt) {
    public Promotion {
      treatment = Map.copyOf(treatment);
    }
  }

  /**
   * Promotes {@code arm} of experiment {@code id} (it must exist) at {@code now}, replacing any
   * earlier promotion; the treatment's {@code model_version} is for the model's rollout, not
   * delivery, and is kept only as a record.
   */
  public Promotion promote(String id, String arm, long now) throws IOException {
    ConversionExperiment e = get(id).experiment();
    Arm winner =
        e.arms().stream()
            .filter(a -> a.name().equals(arm))
            .findFirst()
            .orElseThrow(
                () ->
                    new ExperimentDefinitionException(
                        "arm", "experiment '" + id + "' has no arm '" + arm + "'"));
    Promotion p = new Promotion(id, arm, winner.treatment(), now);
    Files.createDirectories(dir);
    write(promotionFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(p));
    return p;
  }

  /** The promotion delivery applies, if any. */
  public Optional<Promotion> promoted() throws IOException {
    Path file = promotionFile();
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(JSON.readValue(file.toFile(), Promotion.class));
  }

  private Path promotionFile() {
    return dir.resolve("promoted.json");
  }

  /** The running experiments. */
  public List<ConversionExperiment> running() throws IOException {
    return list().stream().filter(Entry::running).map(Entry::experiment).toList();
  }

  private Path definition(String id) {
    if (!id.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
      throw new ExperimentDefinitionException("id", "not an experiment id: '" + id + "'");
    }
    return dir.resolve(id + ".yaml");
  }

  private Path state(String id) {
    return dir.resolve(id + ".state.json");
  }

  private void writeState(Entry entry) throws IOException {
    ObjectNode s = JSON.createObjectNode().put("status", entry.status());
    if (entry.startedAt() != null) {
      s.put("startedAt", entry.startedAt());
    }
    if (entry.stoppedAt() != null) {
      s.put("stoppedAt", entry.stoppedAt());
    }
    write(
        state(entry.experiment().id()),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
  }

  private static void write(Path target, String text) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
