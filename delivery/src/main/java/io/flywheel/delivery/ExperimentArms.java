package io.flywheel.delivery;

import io.flywheel.experiments.Arm;
import io.flywheel.experiments.ArmAssigner;
import io.flywheel.experiments.ConversionExperiment;
import io.flywheel.experiments.ExperimentCatalog;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running experiments, as delivery applies them: the first (by id) whose targeting admits the
 * request's slot, the shopper's segment and the page's locale and whose slice of its layer holds
 * the shopper decides the arm; its treatment may set {@code ranking: popularity} (skip the ranker)
 * and {@code copy: stock | campaign} (prefer the shop's own copy or a campaign's) or {@code copy:
 * bandit} (a bandit chooses each product's copy by message angle, see {@link CopyBandits}). The
 * list is re-read every few seconds, so {@code flywheel experiments start|stop} take effect without
 * a restart.
 */
final class ExperimentArms {
  private static final Logger LOG = LoggerFactory.getLogger(ExperimentArms.class);
  static final ExperimentArms NONE = new ExperimentArms(List::of, java.util.Map::of, 0, 0);

  /**
   * The arm a request is served under (its treatment laid over the promoted one), or {@code
   * control} outside every experiment (the promoted treatment alone).
   */
  record Assigned(String experiment, Arm arm) {
    static final Assigned CONTROL = new Assigned(null, null);

    String armName() {
      return arm == null ? "control" : arm.name();
    }

    /** Whether a bandit chooses this arm's copy; the bandit's name is experiment/arm. */
    boolean banditCopy() {
      return arm != null && arm.banditCopy();
    }

    String banditName() {
      return experiment == null ? "promoted" : CopyBandits.key(experiment, arm.name());
    }

    /** The model version the arm asks for, or null. */
    String modelVersion() {
      return arm == null ? null : arm.treatment().get("model_version");
    }

    boolean popularityRanking() {
      return arm != null && "popularity".equals(arm.treatment().get("ranking"));
    }

    /**
     * Whether the arm's {@code copy} treatment prefers this item: {@code stock} the shop's own
     * copy, {@code campaign} a campaign's; without one, no copy is preferred.
     */
    boolean prefers(io.flywheel.core.ContentItem copy) {
      String wanted = arm == null ? null : arm.treatment().get("copy");
      if (wanted == null) {
        return false;
      }
      return switch (wanted) {
        case "stock" -> copy.campaignId() == null;
        case "campaign", "generated" -> copy.campaignId() != null;
        default -> false;
      };
    }
  }

  /**
   * A running experiment with its assigner and what each arm serves (its treatment over the
   * promoted one), built once per refresh, not per request; {@code startedAt} null: fully ramped
   * up.
   */
  private record Running(
      ConversionExperiment experiment,
      ArmAssigner assigner,
      Long startedAt,
      java.util.Map<String, Assigned> arms) {
    static Running of(
        ExperimentCatalog.Entry e, double holdout, java.util.Map<String, String> base) {
      java.util.Map<String, Assigned> arms = new java.util.HashMap<>();
      for (Arm arm : e.experiment().arms()) {
        arms.put(arm.name(), new Assigned(e.experiment().id(), over(base, arm)));
      }
      return new Running(
          e.experiment(), new ArmAssigner(e.experiment(), holdout), e.startedAt(), arms);
    }
  }

  private final Supplier<List<ExperimentCatalog.Entry>> source;
  private final double holdout;
  private final Supplier<java.util.Map<String, String>> promoted;
  private final long refreshNanos;

  /** What one refresh read: the running experiments and what shoppers outside them get. */
  private record Snapshot(List<Running> running, Assigned outside) {}

  private volatile Snapshot snapshot = new Snapshot(List.of(), Assigned.CONTROL);
  private volatile long readAt = Long.MIN_VALUE;

  /**
   * @param source the running experiments with when each started (for its ramp-up)
   * @param promoted the treatment promoted to everyone (a shipped arm's; empty: none)
   * @param holdout the share of all shoppers kept out of every experiment
   */
  ExperimentArms(
      Supplier<List<ExperimentCatalog.Entry>> source,
      Supplier<java.util.Map<String, String>> promoted,
      double holdout,
      long refreshMillis) {
    this.source = source;
    this.holdout = holdout;
    this.promoted = promoted;
    this.refreshNanos = refreshMillis * 1_000_000L;
  }

  /** {@code now}: the wall-clock time, epoch ms (ramp-ups follow it, not the page's time). */
  Assigned assign(String slot, String segment, String locale, String userId, long now) {
    Snapshot current = current();
    for (Running r : current.running()) {
      if (!r.experiment().targeting().admits(slot, segment, locale)) {
        continue;
      }
      Optional<Arm> arm =
          r.assigner().assign(userId, r.startedAt() == null ? Long.MAX_VALUE : now - r.startedAt());
      if (arm.isPresent()) {
        return r.arms().get(arm.get().name());
      }
    }
    return current.outside();
  }

  /**
   * The arm's treatment laid over the promoted one (an arm that sets its copy drops the base's).
   */
  static Arm over(java.util.Map<String, String> base, Arm arm) {
    if (base.isEmpty()) {
      return arm;
    }
    java.util.Map<String, String> merged = new java.util.HashMap<>(base);
    if (arm.treatment().containsKey("copy")) {
      merged.remove("explore");
    }
    merged.putAll(arm.treatment());
    return new Arm(arm.name(), arm.weight(), merged);
  }

  private Snapshot current() {
    long now = System.nanoTime();
    if (readAt == Long.MIN_VALUE || now - readAt > refreshNanos) {
      synchronized (this) {
        if (readAt == Long.MIN_VALUE || now - readAt > refreshNanos) {
          try {
            java.util.Map<String, String> base = java.util.Map.copyOf(promoted.get());
            snapshot =
                new Snapshot(
                    source.get().stream()
                        .sorted(java.util.Comparator.comparing(e -> e.experiment().id()))
                        .map(e -> Running.of(e, holdout, base))
                        .toList(),
                    base.isEmpty()
                        ? Assigned.CONTROL
                        : new Assigned(null, new Arm("control", 1, base)));
          } catch (RuntimeException e) {
            // Keep serving the last known experiments rather than none.
            LOG.warn("cannot read the running experiments: {}", e.toString());
          }
          readAt = now;
        }
      }
    }
    return snapshot;
  }
}
