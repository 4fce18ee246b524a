package io.flywheel.content;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.JsonLinesWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where checked copy goes: approved items to {@code approved.jsonl} (what may be indexed), the rest
 * to {@code held.jsonl} with their verdict and reasons, kept for a person to review.
 */
public final class CheckedCopy {
  public static final String APPROVED = "approved.jsonl";
  public static final String HELD = "held.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckedCopy() {}

  public static void write(Path dir, List<CheckResult> results) throws IOException {
    try (JsonLinesWriter<ContentItem> approved =
            JsonLinesWriter.create(dir.resolve(APPROVED), Codecs.CONTENT);
        JsonLinesWriter<ContentItem> held =
            JsonLinesWriter.create(dir.resolve(HELD), Codecs.CONTENT)) {
      for (CheckResult r : results) {
        if (r.approved()) {
          approved.write(r.item());
        } else {
          held.writeRawLine(JSON.writeValueAsString(verdict(r, true)));
        }
      }
    }
  }

  /** An item's verdict and findings as JSON (with the item itself when {@code withItem}). */
  public static ObjectNode verdict(CheckResult r, boolean withItem) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", r.item().id());
    node.put("verdict", r.verdict().wireName());
    ArrayNode findings = node.putArray("findings");
    for (CheckFinding f : r.findings()) {
      ObjectNode fn = findings.addObject();
      fn.put("reason", f.reason());
      fn.put("field", f.field());
      fn.put("detail", f.detail());
      fn.put("blocking", f.blocking());
    }
    if (withItem) {
      node.set("item", JSON.valueToTree(r.item()));
    }
    return node;
  }
}
