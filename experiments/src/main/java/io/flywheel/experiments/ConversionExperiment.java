package io.flywheel.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A conversion experiment: arms with weights, who is in it (slot, segment, locale; a share of its
 * layer), what decides it (a primary metric, secondary ones, guardrails that must not get worse),
 * and the plan (minimum detectable effect, α, power, the baseline rate, and the users per arm the
 * power calculation gives). The first arm is the control.
 *
 * <p>Experiments in the same {@code layer} are mutually exclusive: each takes the slice {@code
 * [layerFrom, layerTo)} of the layer's hash space, and slices must not overlap.
 */
public record ConversionExperiment(
    String id,
    String name,
    String salt,
    List<Arm> arms,
    Targeting targeting,
    MetricKind primary,
    List<MetricKind> secondary,
    List<MetricKind> guardrails,
    Plan plan,
    String layer,
    double layerFrom,
    double layerTo,
    List<RampStep> ramp) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A step of the ramp-up: from {@code after} since the start, {@code share} of the shoppers the
   * experiment would take are exposed (the same ones as before, and more: admission is by a hash
   * below the share, so a shopper once in stays in).
   */
  public record RampStep(java.time.Duration after, double share) {
    public RampStep {
      ExperimentDefinitionException.require(
          after != null && !after.isNegative(), "ramp[].after", "a duration >= 0, got " + after);
      ExperimentDefinitionException.require(
          share > 0 && share <= 1, "ramp[].share", "a share in (0, 1], got " + share);
    }
  }

  /** Without a ramp-up: everyone the experiment takes, from the start. */
  public ConversionExperiment(
      String id,
      String name,
      String salt,
      List<Arm> arms,
      Targeting targeting,
      MetricKind primary,
      List<MetricKind> secondary,
      List<MetricKind> guardrails,
      Plan plan,
      String layer,
      double layerFrom,
      double layerTo) {
    this(
        id,
        name,
        salt,
        arms,
        targeting,
        primary,
        secondary,
        guardrails,
        plan,
        layer,
        layerFrom,
        layerTo,
        List.of());
  }

  /** The share exposed {@code elapsedMillis} after the start (1 without a ramp-up). */
  public double rampShare(long elapsedMillis) {
    double share = ramp.isEmpty() ? 1 : 0;
    for (RampStep step : ramp) {
      if (elapsedMillis >= step.after().toMillis()) {
        share = step.share();
      }
    }
    return share;
  }

  /** Who may be exposed; an empty list admits everyone. */
  public record Targeting(List<String> slots, List<String> segments, List<String> locales) {
    public Targeting {
      slots = List.copyOf(slots);
      for (String segment : segments) {
        try {
          io.flywheel.core.ShopperSegment.parse(segment, "targeting.segments");
        } catch (io.flywheel.core.InvalidRecordException e) {
          throw new ExperimentDefinitionException("targeting.segments", e.reason());
        }
      }
      segments = List.copyOf(segments);
      locales = List.copyOf(locales);
    }

    public static Targeting everyone() {
      return new Targeting(List.of(), List.of(), List.of());
    }

    public boolean admits(String slot, String segment, String locale) {
      return (slots.isEmpty() || slots.contains(slot))
          && (segments.isEmpty() || segment == null || segments.contains(segment))
          && (locales.isEmpty() || locale == null || locales.contains(locale));
    }
  }

  /**
   * The plan: a relative minimum detectable effect on the primary metric at {@code baseline} (its
   * control value), two-sided α and power; {@code usersPerArm} from the power calculation.
   */
  public record Plan(double mde, double alpha, double power, double baseline, long usersPerArm) {
    public Plan {
      ExperimentDefinitionException.require(
          mde > 0 && mde < 10, "plan.mde", "a relative effect in (0, 10), got " + mde);
      ExperimentDefinitionException.require(
          alpha > 0 && alpha < 0.5, "plan.alpha", "must be in (0, 0.5), got " + alpha);
      ExperimentDefinitionException.require(
          power > 0.5 && power < 1, "plan.power", "must be in (0.5, 1), got " + power);
      ExperimentDefinitionException.require(
          baseline > 0 && baseline < 1,
          "plan.baseline",
          "the control's conversion rate, in (0, 1), got " + baseline);
      if (usersPerArm <= 0) {
        usersPerArm = SamplePlan.usersPerArm(baseline, mde, alpha, power);
      }
    }

    public static Plan defaults() {
      return new Plan(0.05, 0.05, 0.8, 0.05, 0);
    }
  }

  public ConversionExperiment {
    ExperimentDefinitionException.require(
        id != null && id.matches("[a-z0-9][a-z0-9_-]{0,63}"),
        "id",
        "lower-case letters, digits, '_' or '-', starting with a letter or digit, got '"
            + id
            + "'");
    name = name == null || name.isBlank() ? id : name;
    salt = salt == null || salt.isBlank() ? id : salt;
    ExperimentDefinitionException.require(
        arms != null && arms.size() >= 2, "arms", "at least two (the first is the control)");
    Set<String> names = new HashSet<>();
    for (Arm arm : arms) {
      ExperimentDefinitionException.require(
          names.add(arm.name()), "arms", "arm '" + arm.name() + "' is named twice");
    }
    arms = List.copyOf(arms);
    targeting = targeting == null ? Targeting.everyone() : targeting;
    ExperimentDefinitionException.require(primary != null, "metrics.primary", "is required");
    secondary = secondary == null ? List.of() : List.copyOf(secondary);
    guardrails = guardrails == null ? List.of() : List.copyOf(guardrails);
    plan = plan == null ? Plan.defaults() : plan;
    layer = layer == null || layer.isBlank() ? id : layer;
    ExperimentDefinitionException.require(
        layerFrom >= 0 && layerTo <= 1 && layerFrom < layerTo,
        "traffic",
        "a slice [from, to) of the layer within [0, 1], got [" + layerFrom + ", " + layerTo + ")");
    ramp = ramp == null ? List.of() : List.copyOf(ramp);
    for (int i = 0; i < ramp.size(); i++) {
      RampStep step = ramp.get(i);
      ExperimentDefinitionException.require(
          i > 0 || step.after().isZero(),
          "ramp",
          "the first step starts at 0 (e.g. {after: 0h, share: 0.1}), got " + step.after());
      ExperimentDefinitionException.require(
          i == 0
              || step.after().compareTo(ramp.get(i - 1).after()) > 0
                  && step.share() > ramp.get(i - 1).share(),
          "ramp",
          "steps must come later and take a larger share than the one before");
    }
  }

  public Arm control() {
    return arms.get(0);
  }

  public Arm arm(String armName) {
    return arms.stream()
        .filter(a -> a.name().equals(armName))
        .findFirst()
        .orElseThrow(
            () -> new ExperimentDefinitionException("arm", "no arm '" + armName + "' in " + id));
  }

  /** The share of exposed users each arm should get, in arm order. */
  public double[] expectedShares() {
    double total = arms.stream().mapToDouble(Arm::weight).sum();
    return arms.stream().mapToDouble(a -> a.weight() / total).toArray();
  }

  /** Reads a definition from YAML (or JSON), naming the field of any mistake. */
  public static ConversionExperiment parse(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new ExperimentDefinitionException("file", "not YAML: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ExperimentDefinitionException(
          "file", "a mapping of id, arms, metrics, ... expected");
    }
    rejectUnknown(
        root,
        "",
        Set.of(
            "id",
            "name",
            "salt",
            "arms",
            "targeting",
            "metrics",
            "plan",
            "layer",
            "traffic",
            "ramp"));
    List<Arm> arms = new ArrayList<>();
    JsonNode armList = root.path("arms");
    if (!armList.isArray()) {
      throw new ExperimentDefinitionException("arms", "a list of {name, weight, treatment}");
    }
    for (JsonNode a : armList) {
      rejectUnknown(a, "arms[].", Set.of("name", "weight", "treatment"));
      Map<String, String> treatment = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = a.path("treatment").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        treatment.put(e.getKey(), e.getValue().asText());
      }
      arms.add(new Arm(a.path("name").asText(null), a.path("weight").asDouble(1), treatment));
    }
    JsonNode t = root.path("targeting");
    rejectUnknown(t, "targeting.", Set.of("slots", "segments", "locales"));
    Targeting targeting =
        new Targeting(texts(t.path("slots")), texts(t.path("segments")), texts(t.path("locales")));
    JsonNode m = root.path("metrics");
    rejectUnknown(m, "metrics.", Set.of("primary", "secondary", "guardrails"));
    MetricKind primary =
        m.hasNonNull("primary")
            ? MetricKind.parse("metrics.primary", m.get("primary").asText())
            : MetricKind.CONVERSION;
    JsonNode p = root.path("plan");
    rejectUnknown(p, "plan.", Set.of("mde", "alpha", "power", "baseline", "users_per_arm"));
    Plan plan =
        new Plan(
            p.path("mde").asDouble(0.05),
            p.path("alpha").asDouble(0.05),
            p.path("power").asDouble(0.8),
            p.path("baseline").asDouble(0.05),
            p.path("users_per_arm").asLong(0));
    double from = 0;
    double to = 1;
    JsonNode traffic = root.path("traffic");
    if (traffic.isNumber()) {
      to = traffic.asDouble();
    } else if (traffic.isObject()) {
      rejectUnknown(traffic, "traffic.", Set.of("from", "to"));
      from = traffic.path("from").asDouble(0);
      to = traffic.path("to").asDouble(1);
    }
    return new ConversionExperiment(
        root.path("id").asText(null),
        root.path("name").asText(null),
        root.path("salt").asText(null),
        arms,
        targeting,
        primary,
        metrics(m.path("secondary"), "metrics.secondary"),
        metrics(m.path("guardrails"), "metrics.guardrails"),
        plan,
        root.path("layer").asText(null),
        from,
        to,
        ramp(root.path("ramp")));
  }

  private static List<RampStep> ramp(JsonNode list) {
    List<RampStep> out = new ArrayList<>();
    if (list.isMissingNode() || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      throw new ExperimentDefinitionException("ramp", "a list of {after, share}");
    }
    for (JsonNode step : list) {
      rejectUnknown(step, "ramp[].", Set.of("after", "share"));
      java.time.Duration after;
      try {
        after = io.flywheel.core.DurationText.parse(step.path("after").asText("0s"));
      } catch (IllegalArgumentException e) {
        throw new ExperimentDefinitionException(
            "ramp[].after",
            "a duration such as 0h, 30m or 2d, got '" + step.path("after").asText() + "'");
      }
      out.add(new RampStep(after, step.path("share").asDouble(Double.NaN)));
    }
    return out;
  }

  /** The definition as YAML that {@link #parse} reads back to an equal experiment. */
  public String toYaml() {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", id).put("name", name).put("salt", salt);
    ArrayNode list = root.putArray("arms");
    for (Arm a : arms) {
      ObjectNode arm = list.addObject().put("name", a.name()).put("weight", a.weight());
      ObjectNode treatment = arm.putObject("treatment");
      a.treatment().forEach(treatment::put);
    }
    ObjectNode t = root.putObject("targeting");
    targeting.slots().forEach(t.putArray("slots")::add);
    targeting.segments().forEach(t.putArray("segments")::add);
    targeting.locales().forEach(t.putArray("locales")::add);
    ObjectNode m = root.putObject("metrics").put("primary", primary.wireName());
    secondary.forEach(k -> ((ArrayNode) m.withArray("secondary")).add(k.wireName()));
    guardrails.forEach(k -> ((ArrayNode) m.withArray("guardrails")).add(k.wireName()));
    root.putObject("plan")
        .put("mde", plan.mde())
        .put("alpha", plan.alpha())
        .put("power", plan.power())
        .put("baseline", plan.baseline())
        .put("users_per_arm", plan.usersPerArm());
    root.put("layer", layer);
    root.putObject("traffic").put("from", layerFrom).put("to", layerTo);
    if (!ramp.isEmpty()) {
      ArrayNode steps = root.putArray("ramp");
      ramp.forEach(
          step ->
              steps
                  .addObject()
                  .put("after", step.after().toSeconds() + "s")
                  .put("share", step.share()));
    }
    try {
      return YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> texts(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<MetricKind> metrics(JsonNode list, String field) {
    List<MetricKind> out = new ArrayList<>();
    if (list.isTextual()) {
      out.add(MetricKind.parse(field, list.asText()));
    }
    list.forEach(n -> out.add(MetricKind.parse(field, n.asText())));
    return out;
  }

  private static void rejectUnknown(JsonNode node, String prefix, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new ExperimentDefinitionException(
            prefix + f, "unknown field (known: " + String.join(", ", known) + ")");
      }
    }
  }
}
