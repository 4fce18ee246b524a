package io.flywheel.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.flywheel.core.SimulationSummary;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/** Prints a simulator summary for people (or as JSON for scripts). */
final class SummaryReport {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private SummaryReport() {}

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void print(SimulationSummary s, Path outDir, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "Simulated %d days from %s (seed %d) into %s%n",
        s.days(),
        s.start(),
        s.seed(),
        outDir);
    out.printf(
        Locale.ROOT,
        "  world      %,d users (%,d arrive during the run), %,d products "
            + "(%,d arrive), %,d copy variants, %,d campaigns%n",
        s.users(),
        s.arrivedUsers(),
        s.products(),
        s.arrivedProducts(),
        s.contentItems(),
        s.campaigns());
    out.printf(
        Locale.ROOT,
        "  traffic    %,d sessions, %,d requests, %,d impressions%n",
        s.sessions(),
        s.requests(),
        s.impressions());
    out.printf(
        Locale.ROOT,
        "  clicks     %,d  CTR %.2f%% (truth expects %.2f%%)%n",
        s.clicks(),
        100 * s.clickThroughRate(),
        s.impressions() == 0 ? 0 : 100 * s.expectedClicks() / s.impressions());
    out.printf(
        Locale.ROOT,
        "  purchases  %,d (%,d through content, truth expects %,.0f; "
            + "%,d organic), %,d add-to-carts%n",
        s.purchases(),
        s.attributedPurchases(),
        s.expectedAttributedPurchases(),
        s.organicPurchases(),
        s.addToCarts());
    out.printf(Locale.ROOT, "  searches   %,d, complaints %,d%n", s.searches(), s.complaints());
    out.printf(
        Locale.ROOT,
        "  dirt       %,d malformed lines, %,d duplicates, %,d late events"
            + " (%,d delayed < 1 h)%n",
        s.malformedLines(),
        s.duplicateEvents(),
        s.lateEvents(),
        s.delayedEvents());
    out.printf(
        Locale.ROOT,
        "  speed      %,d event lines in %.1f s (%,.0f events/s), " + "peak heap %,d MB%n",
        s.eventLines(),
        s.elapsedMillis() / 1000.0,
        s.eventsPerSecond(),
        s.peakHeapBytes() / (1024 * 1024));
    out.flush();
  }
}
