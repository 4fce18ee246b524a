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

  // English cues are phrases of whole words ("*" stands for any one word), looked up by their
  // first word: one pass over the words of a text, whatever the size of the lexicon.
  private static final Map<String, List<Cue>> ENGLISH_CUES = new java.util.HashMap<>();
  private static final Map<MessageAngle, List<String>> CHINESE_CUES =
      new EnumMap<>(MessageAngle.class);

  private record Cue(String[] words, MessageAngle angle) {}

  static {
    english(
        MessageAngle.SAVINGS,
        "save|saves|saved|saving|savings|off|deal|deals|bargain|bargains|value|discount",
        "discounted|sale|price drop|price cut|for less|down from|lowest price|budget|cheaper");
    english(
        MessageAngle.QUALITY,
        "quality|craft|crafted|craftsmanship|made to last|durable|premium|well-made|well made",
        "built to|detail|details|detailed|finest|made with care|thoughtfully made",
        "long-lasting|long lasting");
    english(
        MessageAngle.BRAND,
        "designed by|only from|signature|iconic|heritage|authentic|genuine|official",
        "the * touch|original|brand");
    english(
        MessageAngle.NOVELTY,
        "new|just in|just added|latest|fresh|introducing|first look|debut|new arrival",
        "new arrivals|meet the|meet your|say hello");
    english(
        MessageAngle.URGENCY,
        "today|hurry|last chance|limited|ends soon|few left|only * left|before it's gone",
        "don't wait|don't miss|while it lasts|while they last|while the offer lasts",
        "while stocks last|while stock lasts|why wait|act fast");
    english(
        MessageAngle.SOCIAL_PROOF,
        "bestseller|bestsellers|best-seller|best-sellers|most bought|most popular|popular",
        "favourite|favourites|favorite|favorites|loved by|top-rated|trending|shoppers' pick",
        "customers love|everyone's");
    english(
        MessageAngle.TRUST,
        "free return|free returns|returns|guarantee|guaranteed|warranty|secure|support",
        "delivered|delivery|shipping|confidence|without worry|worry-free|safe|trusted",
        "in two days");
    chinese(MessageAngle.SAVINGS, "省", "优惠", "折", "直降", "特价", "划算", "实惠", "好价", "低价", "超值", "原价");
    chinese(MessageAngle.QUALITY, "品质", "做工", "耐用", "精工", "细节", "质感", "打磨", "用心之作", "匠心");
    chinese(MessageAngle.BRAND, "出品", "认准", "正品", "品牌", "官方", "原装", "打造");
    chinese(MessageAngle.NOVELTY, "新品", "上新", "新款", "首发", "全新", "刚刚", "新上架");
    chinese(MessageAngle.URGENCY, "仅剩", "限时", "今天", "今日", "抓紧", "从速", "别再等", "别错过", "最后", "手慢无");
    chinese(MessageAngle.SOCIAL_PROOF, "热销", "人气", "销量", "爆款", "好评", "都在买", "榜");
    chinese(MessageAngle.TRUST, "退货", "包退", "无忧", "放心", "安心", "保障", "售后", "客服", "送达", "包邮");
  }

  // A word: letters, with inner apostrophes and hyphens ("don't", "well-made").
  private static final Pattern WORD = Pattern.compile("[a-z]+(?:['\u2019-][a-z]+)*'?");

  // Prices: a currency sign before the amount, or 元 / 块 / dollars after it.
  private static final String PRICE_SIGNS = "$¥￥元块RrDdUu";
  private static final Pattern PRICE_BEFORE =
      Pattern.compile(
          "(?:US\\$|\\$|¥|￥|RMB\\s?)\\s?(\\d{1,3}(?:,\\d{3})+(?:\\.\\d{1,2})?|\\d+(?:\\.\\d{1,2})?)");
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
  private static final Map<String, String> COLOUR_OF =
      java.util.Arrays.stream(COLOUR_WORDS)
          .collect(java.util.stream.Collectors.toMap(word -> word[0], word -> word[1]));

  private CopyReader() {}

  private static void english(MessageAngle angle, String... phrases) {
    for (String line : phrases) {
      for (String phrase : line.split("\\|")) {
        String[] words = phrase.split(" ");
        ENGLISH_CUES.computeIfAbsent(words[0], w -> new ArrayList<>()).add(new Cue(words, angle));
      }
    }
  }

  /** The lower-case words of a text, in order. */
  private static List<String> words(String lower) {
    List<String> words = new ArrayList<>();
    Matcher m = WORD.matcher(lower);
    while (m.find()) {
      words.add(m.group().replace('\u2019', '\''));
    }
    return words;
  }

  private static boolean matchesAt(List<String> words, int at, String[] phrase) {
    if (at + phrase.length > words.size()) {
      return false;
    }
    for (int k = 1; k < phrase.length; k++) {
      if (!phrase[k].equals("*") && !phrase[k].equals(words.get(at + k))) {
        return false;
      }
    }
    return true;
  }

  private static void chinese(MessageAngle angle, String... cues) {
    CHINESE_CUES.put(angle, List.of(cues));
  }

  static Reading read(String title, String body) {
    String text = title + "\n" + body;
    String lower = text.toLowerCase(Locale.ROOT);
    Set<MessageAngle> angles = EnumSet.noneOf(MessageAngle.class);
    List<String> words = words(lower);
    for (int w = 0; w < words.size(); w++) {
      for (Cue cue : ENGLISH_CUES.getOrDefault(words.get(w), List.of())) {
        if (matchesAt(words, w, cue.words())) {
          angles.add(cue.angle());
        }
      }
    }
    boolean han = text.codePoints().anyMatch(CopyReader::isHan);
    for (Map.Entry<MessageAngle, List<String>> cue :
        han ? CHINESE_CUES.entrySet() : Set.<Map.Entry<MessageAngle, List<String>>>of()) {
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
        colours(words, text, han));
  }

  /** The common Han ideographs (a range check: Character.UnicodeScript is slow). */
  private static boolean isHan(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
  }

  /** Columns the text takes on screen: a Han character is as wide as two Latin letters. */
  static int width(String text) {
    return text.codePoints().map(cp -> isHan(cp) ? 2 : 1).sum();
  }

  /**
   * Chinese when Han characters outnumber lower-case Latin words: names (brands, product titles,
   * model numbers) are capitalised or carry digits and read the same in either language, while
   * English prose is mostly lower-case words.
   */
  static boolean isChinese(String text) {
    long han = text.codePoints().filter(CopyReader::isHan).count();
    if (han < 2) {
      return false;
    }
    long lowerCaseWords = 0;
    Matcher words = LATIN_WORD.matcher(text);
    while (words.find()) {
      lowerCaseWords += Character.isLowerCase(words.group().charAt(0)) ? 1 : 0;
    }
    return han >= lowerCaseWords;
  }

  private static List<Double> prices(String text) {
    List<Double> prices = new ArrayList<>();
    // Most copy states no price in a form that needs the patterns: skip them cheaply.
    if (PRICE_SIGNS.chars().noneMatch(c -> text.indexOf(c) >= 0)) {
      return prices;
    }
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
    if (text.indexOf('%') < 0 && text.indexOf('折') < 0) {
      return discounts;
    }
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

  /** Colours named in whole words (two-word names first: "navy blue" is navy), or in Chinese. */
  private static Set<String> colours(List<String> words, String text, boolean han) {
    Set<String> colours = new java.util.TreeSet<>();
    for (int w = 0; w < words.size(); w++) {
      String pair = w + 1 < words.size() ? words.get(w) + " " + words.get(w + 1) : null;
      if (pair != null && COLOUR_OF.containsKey(pair)) {
        colours.add(COLOUR_OF.get(pair));
        w++;
      } else if (COLOUR_OF.containsKey(words.get(w))) {
        colours.add(COLOUR_OF.get(words.get(w)));
      }
    }
    if (han) {
      for (String[] word : COLOUR_WORDS) {
        if (word[0].codePointAt(0) >= 0x2E80 && text.contains(word[0])) {
          colours.add(word[1]);
        }
      }
    }
    return colours;
  }
}
