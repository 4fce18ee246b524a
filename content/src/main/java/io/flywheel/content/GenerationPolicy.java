package io.flywheel.content;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What no generator writes, however asked: reviews, testimonials or ratings that no buyer gave.
 * Checked on the brief before anything is generated, so an LLM is never even asked.
 */
final class GenerationPolicy {
  private static final List<Pattern> FABRICATED_PROOF =
      List.of(
          Pattern.compile(
              "\\b(user|customer|buyer|shopper|fake|five[- ]star|5[- ]star)s?'?\\s+"
                  + "(reviews?|testimonials?|ratings?|quotes?)\\b"),
          Pattern.compile(
              "\\b(write|generate|create|invent|make up)\\b.*\\b(reviews?|testimonials?"
                  + "|ratings?|endorsements?)\\b"),
          Pattern.compile("(好评|评价|评论|买家秀|用户评语|推荐语|刷单|打分)"));

  private GenerationPolicy() {}

  static void check(ContentRequest request) {
    checkBrief(request.instructions());
  }

  /**
   * @throws ContentRefusedException when the brief asks for invented reviews, ratings or
   *     testimonials
   */
  static void checkBrief(String brief) {
    if (brief == null || brief.isBlank()) {
      return;
    }
    String text = brief.toLowerCase(Locale.ROOT);
    for (Pattern p : FABRICATED_PROOF) {
      if (p.matcher(text).find()) {
        throw new ContentRefusedException(
            "fabricated_reviews",
            "refused: Flywheel does not write reviews, ratings or testimonials; only real buyers"
                + " can give them, and invented ones mislead shoppers (and break consumer"
                + " protection law in most markets). Ask for copy around social proof instead:"
                + " it uses only sales figures Flywheel measured.");
      }
    }
  }
}
