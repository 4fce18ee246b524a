package io.flywheel.content;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Phrases a shop must not publish (superlatives it cannot prove, medical and financial promises,
 * guarantees), and the social-proof phrases that need evidence. The banned list is the shop's to
 * set: {@link #load} reads one phrase per line ({@code #} starts a comment), or {@link #defaults}.
 * English phrases match whole words, case-insensitive; Chinese ones match anywhere.
 */
public final class ClaimRules {
  private static final List<String> DEFAULT_BANNED =
      List.of(
          "best in the world",
          "world's best",
          "world’s best",
          "#1",
          "number one",
          "guaranteed",
          "guarantee",
          "cure",
          "cures",
          "heals",
          "miracle",
          "clinically proven",
          "doctor recommended",
          "lose weight",
          "risk-free",
          "risk free",
          "get rich",
          "double your money",
          "100% safe",
          "no side effects",
          "全球最好",
          "世界第一",
          "第一品牌",
          "最佳",
          "最好",
          "顶级",
          "保证",
          "包治",
          "治愈",
          "根治",
          "神奇",
          "无副作用",
          "稳赚",
          "无风险",
          "保本",
          "国家级",
          "绝对");

  /** Sales claims: allowed only when Flywheel measured a bestseller rank for the product. */
  static final Pattern SALES_CLAIM =
      Pattern.compile(
          "(?iu)\\b(best[- ]?sell(?:er|ers|ing)|most (?:bought|popular|loved)|shoppers'? (?:pick"
              + "|favou?rite)|top[- ]selling|popular choice)\\b|(热销|畅销|销量|人气|爆款)");

  /** Claims no data in Flywheel can support: reviews, ratings, awards, testimonials. */
  static final Pattern UNPROVABLE_PROOF =
      Pattern.compile(
          "(?iu)\\b(reviews?|reviewed|testimonials?|top[- ]rated|rated|\\d(?:\\.\\d)?[- ]?stars?"
              + "|five[- ]stars?|customers? (?:love|rave|say|agree)|everyone(?:'s| is) talking"
              + "|as seen on|award[- ]winning|trending|viral|loved by (?:thousands|millions))\\b"
              + "|(好评|评价|评分|星级|口碑|网红|万人|抢购一空|获奖|买家秀)"
              + "|[“\"][^”\"]{3,}[”\"]\\s*[—–-]{1,2}\\s*\\S+");

  private final List<Pattern> banned;
  private final List<String> phrases;

  private ClaimRules(List<String> phrases) {
    this.phrases = List.copyOf(phrases);
    List<Pattern> patterns = new ArrayList<>();
    for (String phrase : phrases) {
      patterns.add(pattern(phrase));
    }
    this.banned = patterns;
  }

  public static ClaimRules defaults() {
    return new ClaimRules(DEFAULT_BANNED);
  }

  public static ClaimRules of(List<String> phrases) {
    for (int i = 0; i < phrases.size(); i++) {
      if (phrases.get(i) == null || phrases.get(i).isBlank()) {
        throw new IllegalArgumentException("banned[" + i + "]: must not be blank");
      }
    }
    return new ClaimRules(phrases);
  }

  /** One phrase per line; blank lines and lines starting with {@code #} are skipped. */
  public static ClaimRules load(Path file) throws IOException {
    List<String> phrases = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String phrase = line.strip();
      if (!phrase.isEmpty() && !phrase.startsWith("#")) {
        phrases.add(phrase);
      }
    }
    if (phrases.isEmpty()) {
      throw new IllegalArgumentException(file + ": no banned phrases (one per line)");
    }
    return new ClaimRules(phrases);
  }

  public List<String> phrases() {
    return phrases;
  }

  /** The first banned phrase {@code text} contains, as written there. */
  Optional<String> bannedIn(String text) {
    for (Pattern p : banned) {
      Matcher m = p.matcher(text);
      if (m.find()) {
        return Optional.of(m.group());
      }
    }
    return Optional.empty();
  }

  private static Pattern pattern(String phrase) {
    String quoted = Pattern.quote(phrase.toLowerCase(Locale.ROOT));
    boolean latin = phrase.codePoints().allMatch(c -> c < 0x2E80);
    if (!latin) {
      return Pattern.compile(quoted, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
    // Whole words where the phrase starts or ends with a word character ("#1" has no boundary).
    String start = Character.isLetterOrDigit(phrase.charAt(0)) ? "(?<![\\p{L}\\p{N}])" : "";
    String end =
        Character.isLetterOrDigit(phrase.charAt(phrase.length() - 1)) ? "(?![\\p{L}\\p{N}])" : "";
    return Pattern.compile(start + quoted + end, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }
}
