package io.flywheel.console;

import io.flywheel.core.LiveSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** A live simulation's report: what was served, and its value against oracle and popularity. */
final class LiveReport {
  private LiveReport() {}

  static void print(LiveSummary s, Path outDir, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "Live simulation of days %d-%d (seed %d) served by %s, into %s%n",
        s.startDay(),
        s.startDay() + s.days() - 1,
        s.seed(),
        s.policy(),
        outDir);
    StringBuilder fallbacks = new StringBuilder();
    for (Map.Entry<String, Long> fallback : s.fallbacks().entrySet()) {
      fallbacks.append(fallbacks.length() == 0 ? ": " : ", ");
      fallbacks.append(fallback.getKey()).append(' ').append(fallback.getValue());
    }
    out.printf(
        Locale.ROOT,
        "  requests   %,d: %,d answered, %,d failed, %,d with fallbacks%s%n",
        s.requests(),
        s.answeredRequests(),
        s.failedRequests(),
        s.fallbackRequests(),
        fallbacks);
    out.printf(
        Locale.ROOT,
        "  items      %,d unknown to the world, %,d dropped (repeated product or past the slot)%n",
        s.unknownItems(),
        s.droppedItems());
    out.printf(
        Locale.ROOT,
        "  shown      %,d impressions, %,d clicks, %,d add-to-carts, %,d purchases%n",
        s.impressions(),
        s.clicks(),
        s.carts(),
        s.purchases());
    out.printf(
        Locale.ROOT,
        "  expected per 1,000 requests  %10s %10s %10s %10s%n",
        "policy",
        "oracle",
        "popularity",
        "ceiling");
    out.printf(
        Locale.ROOT,
        "    clicks                     %10.2f %10.2f %10.2f %10.2f%n",
        s.clicksPer1000().policy(),
        s.clicksPer1000().oracle(),
        s.clicksPer1000().popularity(),
        s.clicksPer1000().ceiling());
    out.printf(
        Locale.ROOT,
        "    purchases                  %10.2f %10.2f %10.2f %10.2f%n",
        s.purchasesPer1000().policy(),
        s.purchasesPer1000().oracle(),
        s.purchasesPer1000().popularity(),
        s.purchasesPer1000().ceiling());
    out.println(
        "  (oracle: the truth's best order of the policy's own candidates when it reports them;"
            + " ceiling: of everything on sale)");
    out.printf(
        Locale.ROOT,
        "  purchases  policy/oracle %s, policy/popularity %s%n",
        ratio(s.policyToOracle()),
        ratio(s.policyToPopularity()));
    if (s.reportedEvents() + s.unreportedEvents() > 0) {
      out.printf(
          Locale.ROOT,
          "  shoppers' events posted to the collector: %,d (%,d refused or lost)%n",
          s.reportedEvents(),
          s.unreportedEvents());
    }
    if (s.firstError() != null) {
      out.printf(Locale.ROOT, "  first error: %s%n", s.firstError());
    }
    out.flush();
  }

  private static String ratio(Double value) {
    return value == null ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
  }
}
