package io.flywheel.content;

import io.flywheel.core.SafetyVerdict;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Counts of a batch of checks: by verdict, and rejections and reviews by reason. */
public record CheckSummary(Map<SafetyVerdict, Long> byVerdict, Map<String, Long> byReason) {
  public static CheckSummary of(List<CheckResult> results) {
    Map<SafetyVerdict, Long> verdicts = new EnumMap<>(SafetyVerdict.class);
    Map<String, Long> reasons = new TreeMap<>();
    for (CheckResult r : results) {
      verdicts.merge(r.verdict(), 1L, Long::sum);
      for (String reason : r.reasons()) {
        reasons.merge(reason, 1L, Long::sum);
      }
    }
    return new CheckSummary(verdicts, reasons);
  }

  public long count(SafetyVerdict verdict) {
    return byVerdict.getOrDefault(verdict, 0L);
  }
}
