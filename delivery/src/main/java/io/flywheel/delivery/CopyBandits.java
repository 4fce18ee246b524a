package io.flywheel.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.core.AtomicFiles;
import io.flywheel.core.ContentItem;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.experiments.CopyBandit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.rng.UniformRandomProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bandits of the experiment arms that let one choose copy ({@code copy: bandit}): one {@link
 * CopyBandit} per arm, whose choices are message angles (the shop's own copy, which states none,
 * counts as {@value #STOCK}) and whose contexts are slot and segment, so it learns which angle each
 * audience clicks on in each place. A choice is a trial when shown; a click the shop's page reports
 * for that request and copy turns it into a success. Posteriors survive restarts in a file.
 */
final class CopyBandits {
  private static final Logger LOG = LoggerFactory.getLogger(CopyBandits.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The choice that stands for copy written without an angle. */
  static final String STOCK = "stock";

  /** Posterior draws per choice that estimate its propensity (within ~5 %). */
  private static final int PROPENSITY_DRAWS = 100;

  /** Shown choices remembered for a later click: a day of a busy slot's traffic at most. */
  private static final int PENDING = 200_000;

  /** The copy chosen for one product, the probability the bandit gave it, what it chose among. */
  record Chosen(ContentItem copy, String angle, double propensity, List<String> choices) {}

  private record Pending(String arm, String context, String angle) {}

  private final Map<String, CopyBandit> byArm = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Pending> eldest) {
              return size() > PENDING;
            }
          });
  private final Map<String, List<CopyBandit.Posterior>> saved = new ConcurrentHashMap<>();
  private final Path stateFile;
  private final AtomicBoolean changed = new AtomicBoolean();

  /** {@code stateFile}: where posteriors are kept between runs (null: kept in memory only). */
  CopyBandits(Path stateFile) {
    this.stateFile = stateFile;
    if (stateFile != null && Files.isRegularFile(stateFile)) {
      try {
        saved.putAll(JSON.readValue(stateFile.toFile(), new TypeReference<>() {}));
      } catch (IOException | RuntimeException e) {
        LOG.warn("bandit state {} not read, starting afresh: {}", stateFile, e.toString());
      }
    }
  }

  static String angleOf(ContentItem copy) {
    return copy.angle() == null ? STOCK : copy.angle().wireName();
  }

  /**
   * Chooses one of a product's copies for a request served under a bandit arm: the bandit picks an
   * angle among those the copies carry, then the best-scored copy with that angle ({@code copies}
   * come best first).
   */
  Chosen choose(
      String arm,
      double exploration,
      String context,
      String requestId,
      List<ContentItem> copies,
      UniformRandomProvider rng) {
    Map<String, ContentItem> bestPerAngle = new TreeMap<>();
    for (ContentItem c : copies) {
      bestPerAngle.putIfAbsent(angleOf(c), c);
    }
    List<String> choices = List.copyOf(bestPerAngle.keySet());
    CopyBandit bandit = bandit(arm, exploration);
    CopyBandit.Choice choice = bandit.choose(context, choices, rng);
    ContentItem copy = bestPerAngle.get(choice.variant());
    bandit.shown(context, choice.variant());
    pending.put(requestId + "\n" + copy.id(), new Pending(arm, context, choice.variant()));
    changed.set(true);
    return new Chosen(copy, choice.variant(), choice.propensity(), choices);
  }

  /** Credits clicks on copy a bandit chose (each shown choice at most once). */
  void observed(Event event) {
    if (event.type() != EventType.CLICK || event.requestId() == null || event.contentId() == null) {
      return;
    }
    Pending p = pending.remove(event.requestId() + "\n" + event.contentId());
    if (p != null) {
      byArm.get(p.arm()).converted(p.context(), p.angle());
      changed.set(true);
    }
  }

  /** Every arm's posteriors, for {@code GET /v1/bandits}. */
  Map<String, List<CopyBandit.Posterior>> posteriors() {
    Map<String, List<CopyBandit.Posterior>> out = new TreeMap<>();
    byArm.forEach((arm, bandit) -> out.put(arm, bandit.posteriors()));
    return out;
  }

  /** Writes the posteriors when they changed since the last save. */
  void save() {
    if (stateFile == null || !changed.getAndSet(false)) {
      return;
    }
    try {
      Files.createDirectories(stateFile.getParent());
      Map<String, List<CopyBandit.Posterior>> all = new TreeMap<>(saved);
      all.putAll(posteriors());
      AtomicFiles.writeString(
          stateFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
    } catch (IOException | RuntimeException e) {
      changed.set(true);
      LOG.warn("bandit state not saved to {}: {}", stateFile, e.toString());
    }
  }

  /** The arm's bandit, made (with what an earlier run learnt) on its first choice. */
  private CopyBandit bandit(String arm, double exploration) {
    return byArm.computeIfAbsent(
        arm,
        a -> {
          CopyBandit b = new CopyBandit(exploration, PROPENSITY_DRAWS);
          b.restore(saved.getOrDefault(a, List.of()));
          return b;
        });
  }

  /** Arms are named {@code experiment/arm}. */
  static String key(String experiment, String arm) {
    return experiment + "/" + arm;
  }
}
