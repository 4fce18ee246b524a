package io.flywheel.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flywheel.core.AtomicFiles;
import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.SafetyVerdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A person's review of held copy: what the checks held ({@code held.jsonl} of each campaign, and of
 * {@code HOME/content}) with its verdict and reasons, approved into the campaign's {@code
 * approved.jsonl} (delivery and the next index build pick it up) or rejected for good. Every
 * decision is appended to {@code HOME/content/reviews.jsonl}; files are rewritten atomically.
 */
public final class ContentReview {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String REVIEWS = "reviews.jsonl";

  /** One held item: where it is, the item, its verdict and the checks' reasons. */
  public record HeldItem(Path folder, ContentItem item, String verdict, List<String> reasons) {
    public boolean awaitingReview() {
      return verdict.equals(SafetyVerdict.NEEDS_REVIEW.wireName());
    }
  }

  private final Path home;

  public ContentReview(Path home) {
    this.home = home;
  }

  /** Every held item of the home, campaign by campaign. */
  public List<HeldItem> held() throws IOException {
    List<HeldItem> out = new ArrayList<>();
    for (Path folder : folders()) {
      Path file = folder.resolve(CheckedCopy.HELD);
      if (!Files.isRegularFile(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        List<String> reasons = new ArrayList<>();
        n.path("findings")
            .forEach(
                f ->
                    reasons.add(
                        f.path("reason").asText()
                            + (f.path("detail").asText("").isEmpty()
                                ? ""
                                : ": " + f.path("detail").asText())));
        ContentItem item = Codecs.CONTENT.decode((ObjectNode) n.path("item"));
        out.add(new HeldItem(folder, item, n.path("verdict").asText(), reasons));
      }
    }
    return out;
  }

  /**
   * Approves held item {@code contentId}: out of the held file, into the folder's approved copy.
   */
  public HeldItem approve(String contentId, String reviewer) throws IOException {
    HeldItem found = take(contentId, null);
    Path approved = found.folder().resolve(CheckedCopy.APPROVED);
    Files.writeString(
        approved,
        Codecs.encodeLine(Codecs.CONTENT, found.item().withVerdict(SafetyVerdict.APPROVED)) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    log(found, "approved", reviewer);
    return found;
  }

  /** Rejects held item {@code contentId}: it stays held, marked rejected by a person. */
  public HeldItem reject(String contentId, String reviewer) throws IOException {
    HeldItem found = take(contentId, SafetyVerdict.REJECTED);
    log(found, "rejected", reviewer);
    return found;
  }

  /**
   * Removes the item's line from its held file, or (with {@code markAs}) rewrites it with that
   * verdict and a finding saying a person decided; unknown ids are refused naming the id.
   */
  private HeldItem take(String contentId, SafetyVerdict markAs) throws IOException {
    for (Path folder : folders()) {
      Path file = folder.resolve(CheckedCopy.HELD);
      if (!Files.isRegularFile(file)) {
        continue;
      }
      List<String> kept = new ArrayList<>();
      HeldItem found = null;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        if (found == null && n.path("id").asText().equals(contentId)) {
          ContentItem item = Codecs.CONTENT.decode((ObjectNode) n.path("item"));
          found = new HeldItem(folder, item, n.path("verdict").asText(), List.of());
          if (markAs != null) {
            ObjectNode marked = (ObjectNode) n;
            marked.put("verdict", markAs.wireName());
            marked
                .withArray("findings")
                .addObject()
                .put("reason", "reviewed")
                .put("field", "item")
                .put("detail", markAs.wireName() + " by a person")
                .put("blocking", true);
            kept.add(JSON.writeValueAsString(marked));
          }
          continue;
        }
        kept.add(line);
      }
      if (found != null) {
        AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        return found;
      }
    }
    throw new IllegalArgumentException("contentId: no held copy '" + contentId + "'");
  }

  private void log(HeldItem item, String decision, String reviewer) throws IOException {
    Path file = Files.createDirectories(home.resolve("content")).resolve(REVIEWS);
    ObjectNode line =
        JSON.createObjectNode()
            .put("contentId", item.item().id())
            .put("decision", decision)
            .put("reviewer", reviewer)
            .put("at", System.currentTimeMillis())
            .put("folder", item.folder().toString());
    Files.writeString(
        file,
        JSON.writeValueAsString(line) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** {@code HOME/content} and each campaign's folder. */
  private List<Path> folders() throws IOException {
    List<Path> out = new ArrayList<>();
    Path content = home.resolve("content");
    out.add(content);
    Path campaigns = content.resolve("campaigns");
    if (Files.isDirectory(campaigns)) {
      try (Stream<Path> runs = Files.list(campaigns)) {
        runs.filter(Files::isDirectory).sorted().forEach(out::add);
      }
    }
    return out;
  }
}
