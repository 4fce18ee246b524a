package io.flywheel.core.internal.simulator;

import io.flywheel.core.MessageAngle;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a simulated shopper reads copy: which message angles its words carry, how long it is, which
 * language it is in, and which facts (prices, discounts, colours) it states. The lexicon is the
 * simulator's own and stays hidden, so copy is judged by what it says, not by the words a generator
 * happens to share with it.
 */
final class CopyReader {

  /** What one piece of copy says, as a shopper reads it. */
  record Reading(
      Set<MessageAngle> angles,
      int titleWidth,
      int bodyWidth,
      boolean chinese,
      List<Double> prices,
      List<Integer> discounts,
      Set<String> colours) {}

  private static final Map<MessageAngle, Pattern> ENGLISH_CUES = new EnumMap<>(MessageAngle.class);
  private static final Map<MessageAngle, List<String>> CHINESE_CUES =
      new EnumMap<>(MessageAngle.class);

  static {
    english(
        MessageAngle.SAVINGS,
        "save[sd]?|saving|savings|\\d+\\s?% off|off|deals?|bargains?|value|discount(ed)?|sale"
            + "|price drop|price cut|for less|down from|was \\$|lowest price|budget|cheaper");
    english(
        MessageAngle.QUALITY,
        "quality|craft(ed|smanship)?|made to last|durable|premium|well[- ]made|built to"
            + "|detail(s|ed)?|finest|made with care|thoughtfully made|long[- ]lasting");
    english(
        MessageAngle.BRAND,
        "designed by|only from|signature|iconic|heritage|authentic|genuine|official"
            + "|the \\w+ touch|original|brand");
    english(
        MessageAngle.NOVELTY,
        "new|just in|just added|latest|fresh|introducing|first look|debut|new arrivals?"
            + "|meet (the|your)|say hello");
    english(
        MessageAngle.URGENCY,
        "today|hurry|last chance|limited|ends soon|few left|only \\w+ left|before it's gone"
            + "|don't wait|don't miss|while (it|they|the offer|stocks?) lasts?|why wait|act fast");
    english(
        MessageAngle.SOCIAL_PROOF,
        "best-?sellers?|most bought|most popular|popular|favou?rites?|loved by|top-rated"
            + "|trending|shoppers' pick|customers love|everyone's");
    english(
        MessageAngle.TRUST,
        "free returns?|returns|guarantee[d]?|warranty|secure|support|delivered|delivery"
            + "|shipping|confidence|without worry|worry-free|safe|trusted|in two days");
    chinese(MessageAngle.SAVINGS, "省", "优惠", "折", "直降", "特价", "划算", "实惠", "好价", "低价", "超值", "原价");
    chinese(MessageAngle.QUALITY, "品质", "做工", "耐用", "精工", "细节", "质感", "打磨", "用心之作", "匠心");
    chinese(MessageAngle.BRAND, "出品", "认准", "正品", "品牌", "官方", "原装", "打造");
    chinese(MessageAngle.NOVELTY, "新品", "上新", "新款", "首发", "全新", "刚刚", "新上架");
    chinese(MessageAngle.URGENCY, "仅剩", "限时", "今天", "今日", "抓紧", "从速", "别再等", "别错过", "最后", "手慢无");
    chinese(MessageAngle.SOCIAL_PROOF, "热销", "人气", "销量", "爆款", "好评", "都在买", "榜");
    chinese(MessageAngle.TRUST, "退货", "包退", "无忧", "放心", "安心", "保障", "售后", "客服", "送达", "包邮");
  }

  // Prices: a currency sign before the amount, or 元 / 块 / dollars after it.
  private static final Pattern PRICE_BEFORE =
      Pattern.compile("(?:US\\$|\\$|¥|￥|RMB\\s?)\\s?(\\d{1,3}(?:,\\d{3})*(?:\\.\\d{1,2})?|\\d+)");
  private static final Pattern PRICE_AFTER =
      Pattern.compile("(\\d+(?:\\.\\d{1,2})?)\\s?(?:元|块|美元|dollars\\b|USD\\b)");
  // Discounts: "20% off", "save 20%", "省20%", "直降20%", "20%优惠", "8折" / "八折".
  private static final Pattern PERCENT_OFF =
      Pattern.compile(
          "(?:(?:save|saving|take|get|省|降|减|优惠)\\s?(?:up to\\s)?(\\d{1,2})\\s?%)"
              + "|(?:(\\d{1,2})\\s?%\\s?(?:off|discount|savings|优惠|折扣))",
          Pattern.CASE_INSENSITIVE);
  // 8折, 8.5折, 八五折: the tenths paid.
  private static final Pattern ZHE = Pattern.compile("([1-9一二三四五六七八九])(?:\\.?([1-9一二三四五六七八九]))?折");
  private static final Pattern LATIN_WORD = Pattern.compile("[A-Za-z][A-Za-z'-]*");
  private static final String CHINESE_DIGITS = "一二三四五六七八九";
  // Colour words as the shop names them: longer names first, so "navy blue" is navy.
  private static final String[][] COLOUR_WORDS = {
    {"sage green", "sage"},
    {"navy blue", "navy"},
    {"sage", "sage"},
    {"navy", "navy"},
    {"black", "black"},
    {"white", "white"},
    {"sand", "sand"},
    {"red", "red"},
    {"grey", "grey"},
    {"gray", "grey"},
    {"blue", "blue"},
    {"灰绿", "sage"},
    {"藏青", "navy"},
    {"黑色", "black"},
    {"白色", "white"},
    {"沙色", "sand"},
    {"红色", "red"},
    {"灰色", "grey"},
    {"蓝色", "blue"}
  };

  private CopyReader() {}

  private static void english(MessageAngle angle, String alternatives) {
    ENGLISH_CUES.put(
        angle,
        Pattern.compile("(?<![\\w'])(?:" + alternatives + ")(?![\\w'])", Pattern.CASE_INSENSITIVE));
  }

  private static void chinese(MessageAngle angle, String... cues) {
    CHINESE_CUES.put(angle, List.of(cues));
  }

  static Reading read(String title, String body) {
    String text = title + "\n" + body;
    String lower = text.toLowerCase(Locale.ROOT);
    Set<MessageAngle> angles = EnumSet.noneOf(MessageAngle.class);
    for (Map.Entry<MessageAngle, Pattern> cue : ENGLISH_CUES.entrySet()) {
      if (cue.getValue().matcher(text).find()) {
        angles.add(cue.getKey());
      }
    }
    for (Map.Entry<MessageAngle, List<String>> cue : CHINESE_CUES.entrySet()) {
      if (cue.getValue().stream().anyMatch(text::contains)) {
        angles.add(cue.getKey());
      }
    }
    List<Integer> discounts = discounts(text);
    if (!discounts.isEmpty()) {
      angles.add(MessageAngle.SAVINGS);
    }
    return new Reading(
        angles,
        width(title),
        width(body),
        isChinese(text),
        prices(text),
        discounts,
        colours(lower));
  }

  /** Columns the text takes on screen: a Han character is as wide as two Latin letters. */
  static int width(String text) {
    return text.codePoints()
        .map(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN ? 2 : 1)
        .sum();
  }

  /**
   * Chinese when Han characters outnumber lower-case Latin words: names (brands, product titles,
   * model numbers) are capitalised or carry digits and read the same in either language, while
   * English prose is mostly lower-case words.
   */
  static boolean isChinese(String text) {
    long han =
        text.codePoints()
            .filter(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN)
            .count();
    long lowerCaseWords = 0;
    Matcher words = LATIN_WORD.matcher(text);
    while (words.find()) {
      lowerCaseWords += Character.isLowerCase(words.group().charAt(0)) ? 1 : 0;
    }
    return han >= 2 && han >= lowerCaseWords;
  }

  private static List<Double> prices(String text) {
    List<Double> prices = new ArrayList<>();
    for (Pattern pattern : List.of(PRICE_BEFORE, PRICE_AFTER)) {
      Matcher m = pattern.matcher(text);
      while (m.find()) {
        prices.add(Double.parseDouble(m.group(1).replace(",", "")));
      }
    }
    return prices;
  }

  private static List<Integer> discounts(String text) {
    List<Integer> discounts = new ArrayList<>();
    Matcher m = PERCENT_OFF.matcher(text);
    while (m.find()) {
      discounts.add(Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2)));
    }
    Matcher zhe = ZHE.matcher(text);
    while (zhe.find()) {
      double value = digit(zhe.group(1)) + (zhe.group(2) == null ? 0 : digit(zhe.group(2)) / 10.0);
      // 8折 pays eight tenths: 20% off.
      discounts.add((int) Math.round(100 - value * 10));
    }
    return discounts;
  }

  private static int digit(String character) {
    int chinese = CHINESE_DIGITS.indexOf(character.charAt(0));
    return chinese >= 0 ? chinese + 1 : character.charAt(0) - '0';
  }

  private static Set<String> colours(String lower) {
    Set<String> colours = new java.util.TreeSet<>();
    String rest = lower;
    for (String[] word : COLOUR_WORDS) {
      Matcher m =
          Pattern.compile("(?<![\\p{L}])" + Pattern.quote(word[0]) + "(?![a-z])").matcher(rest);
      if (word[0].codePointAt(0) > 0x2E80) {
        m = Pattern.compile(Pattern.quote(word[0])).matcher(rest);
      }
      if (m.find()) {
        colours.add(word[1]);
        rest = m.replaceAll(" ");
      }
    }
    return colours;
  }
}
