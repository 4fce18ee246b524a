package io.flywheel.content;

import io.flywheel.core.ContentItem;
import io.flywheel.core.SafetyVerdict;
import java.util.List;

/**
 * An item's verdict: rejected when any finding blocks, needs review when only soft findings, else
 * approved. {@link #item()} carries the verdict, so a rejected item is kept, with its reasons,
 * rather than lost.
 */
public record CheckResult(ContentItem item, SafetyVerdict verdict, List<CheckFinding> findings) {
  public CheckResult {
    findings = List.copyOf(findings);
  }

  static CheckResult of(ContentItem item, List<CheckFinding> findings) {
    SafetyVerdict verdict =
        findings.stream().anyMatch(CheckFinding::blocking)
            ? SafetyVerdict.REJECTED
            : findings.isEmpty() ? SafetyVerdict.APPROVED : SafetyVerdict.NEEDS_REVIEW;
    return new CheckResult(item.withVerdict(verdict), verdict, findings);
  }

  public boolean approved() {
    return verdict == SafetyVerdict.APPROVED;
  }

  /** The distinct reason codes, in the order found. */
  public List<String> reasons() {
    return findings.stream().map(CheckFinding::reason).distinct().toList();
  }
}
