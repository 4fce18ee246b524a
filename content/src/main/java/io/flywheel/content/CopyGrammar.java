package io.flywheel.content;

import io.flywheel.core.MessageAngle;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The template grammar of one locale: per message angle, headlines (short enough for ads and
 * banners) and lead sentences; per segment, a greeting and calls to action; and the sentences every
 * kind shares (details, price lines, search snippets). Slots are filled by {@link CopySlots}; a
 * line naming a fact the product lacks is skipped. Chinese is written as Chinese copy, not as a
 * translation of the English lines.
 */
record CopyGrammar(
    Map<MessageAngle, List<String>> headlines,
    Map<MessageAngle, List<String>> leads,
    Map<String, String> greetings,
    Map<String, List<String>> calls,
    List<String> details,
    List<String> discountPrices,
    List<String> plainPrices,
    List<String> seoTitles,
    List<String> seoBodies,
    String sentenceGap) {

  static CopyGrammar of(CopyLocale locale) {
    return locale == CopyLocale.ZH_CN ? CHINESE : ENGLISH;
  }

  List<String> callsFor(String segment) {
    return calls.getOrDefault(segment, calls.get("all"));
  }

  String greetingFor(String segment) {
    return greetings.getOrDefault(segment, "");
  }

  private static Map<MessageAngle, List<String>> byAngle(Object... pairs) {
    Map<MessageAngle, List<String>> map = new EnumMap<>(MessageAngle.class);
    for (int i = 0; i < pairs.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<String> lines = (List<String>) pairs[i + 1];
      map.put((MessageAngle) pairs[i], lines);
    }
    return map;
  }

  private static final CopyGrammar ENGLISH =
      new CopyGrammar(
          byAngle(
              MessageAngle.SAVINGS,
              List.of(
                  "Save {discount}% today",
                  "{discount}% off {brand}", "Smart value from {brand}", "More for your money"),
              MessageAngle.QUALITY,
              List.of("Made to last", "Quality you can feel", "Built for every day"),
              MessageAngle.BRAND,
              List.of("Only from {brand}", "The {brand} touch", "Designed by {brand}"),
              MessageAngle.NOVELTY,
              List.of("New in {category}", "Just in from {brand}", "Fresh from {brand}"),
              MessageAngle.URGENCY,
              List.of("Don't wait", "Make it yours today", "Treat yourself today"),
              MessageAngle.SOCIAL_PROOF,
              List.of("A {rankCategory} bestseller", "Shoppers' pick in {rankCategory}"),
              MessageAngle.TRUST,
              List.of("Shop with confidence", "Free returns, easy choice", "Buy without worry")),
          byAngle(
              MessageAngle.SAVINGS,
              List.of(
                  "Now {price}, down from {listPrice}.",
                  "Take {discount}% off the {title}.",
                  "Great value at {price}.",
                  "Everything you want from {category}, for {price}."),
              MessageAngle.QUALITY,
              List.of(
                  "The {title} is made with care for everyday use.",
                  "Thoughtfully made, down to the last detail.",
                  "Quality that shows in every detail of the {title}."),
              MessageAngle.BRAND,
              List.of(
                  "{brand} puts the same care into every piece, and the {title} shows it.",
                  "Designed by {brand} for people who love {category}."),
              MessageAngle.NOVELTY,
              List.of(
                  "New in {category}: the {title}.",
                  "Just added to our {category} range: the {title}."),
              MessageAngle.URGENCY,
              List.of(
                  "Grab {discount}% off while the offer lasts.",
                  "Why wait? Make the {title} yours today.",
                  "Don't put it off: the {title} is one click away."),
              MessageAngle.SOCIAL_PROOF,
              List.of(
                  "Among the most bought in {rankCategory} {window}.",
                  "One of the most bought {rankCategory} picks {window}."),
              MessageAngle.TRUST,
              List.of(
                  "Free returns within {returnDays} days, and a secure checkout.",
                  "Delivered in {deliveryDays} days, with free returns within {returnDays} days.",
                  "Secure checkout and friendly support, every time.")),
          Map.of(
              "new", "Welcome!",
              "returning", "Welcome back!",
              "vip", "Thank you for shopping with us."),
          Map.of(
              "all", List.of("Shop now.", "See it today.", "Order yours today."),
              "new", List.of("Take a look.", "Find yours today.", "Shop now."),
              "returning", List.of("Shop now.", "See what's new.", "Order yours today."),
              "vip", List.of("Shop now.", "See it first.", "Order yours today.")),
          List.of(
              "A pick from {brand}'s {category} range, in {colour}.",
              "From {brand}'s {category} range, in {colour}.",
              "From {brand}'s {category} range."),
          List.of("Now {price} (was {listPrice}).", "{discount}% off: now {price}."),
          List.of("Yours for {price}.", "Just {price}."),
          List.of("{title} | {department}", "{title} | {category}", "{title}"),
          List.of(
              "Buy the {title} in {colour}, {price}.",
              "Shop the {title} in {colour} for {price}.",
              "Shop the {title} for {price}."),
          " ");

  private static final CopyGrammar CHINESE =
      new CopyGrammar(
          byAngle(
              MessageAngle.SAVINGS,
              List.of("立省{discount}%", "{brand}直降{discount}%", "超值之选", "{brand}好价"),
              MessageAngle.QUALITY,
              List.of("品质之选", "经久耐用", "用心之作"),
              MessageAngle.BRAND,
              List.of("{brand}出品", "认准{brand}", "{brand}匠心打造"),
              MessageAngle.NOVELTY,
              List.of("{category}新品", "{brand}新品上架", "新品抢先看"),
              MessageAngle.URGENCY,
              List.of("别再等了", "今天就带回家", "心动不如行动"),
              MessageAngle.SOCIAL_PROOF,
              List.of("{rankCategory}热销单品", "{rankCategory}人气之选"),
              MessageAngle.TRUST,
              List.of("放心购", "{returnDays}天无忧退货", "安心选购")),
          byAngle(
              MessageAngle.SAVINGS,
              List.of(
                  "现价{price}，原价{listPrice}。",
                  "{title}直降{discount}%。",
                  "只需{price}，轻松入手。",
                  "{price}，实惠之选。"),
              MessageAngle.QUALITY,
              List.of("{title}做工用心，经得起每天使用。", "每一处细节都经过细心打磨。", "看得见的好品质，藏在每个细节里。"),
              MessageAngle.BRAND,
              List.of("{brand}为热爱{category}的你用心设计。", "{brand}匠心打造，{title}正是用心之作。"),
              MessageAngle.NOVELTY,
              List.of("{category}新品：{title}。", "我们的{category}刚刚上新：{title}。"),
              MessageAngle.URGENCY,
              List.of("{discount}%优惠，欲购从速。", "还在犹豫？今天就把{title}带回家。", "喜欢就别错过，{title}一键下单。"),
              MessageAngle.SOCIAL_PROOF,
              List.of("{window}{rankCategory}销量名列前茅。", "{window}{rankCategory}热销榜上有名。"),
              MessageAngle.TRUST,
              List.of(
                  "{returnDays}天免费退货，结账安全放心。",
                  "{deliveryDays}天送达，{returnDays}天免费退货。",
                  "结账安全，客服贴心。")),
          Map.of(
              "new", "欢迎光临！",
              "returning", "欢迎回来！",
              "vip", "感谢您一直以来的支持！"),
          Map.of(
              "all", List.of("立即选购。", "马上下单。", "点击查看详情。"),
              "new", List.of("快来看看吧。", "立即选购。", "点击查看详情。"),
              "returning", List.of("立即选购。", "看看有什么新品。", "马上下单。"),
              "vip", List.of("立即选购。", "抢先看看。", "马上下单。")),
          List.of(
              "{brand}{category}，{colour}款。",
              "来自{brand}的{category}系列，{colour}款。",
              "来自{brand}的{category}系列。"),
          List.of("现价{price}（原价{listPrice}）。", "直降{discount}%，现价{price}。"),
          List.of("售价{price}。", "仅需{price}。"),
          List.of("{title} | {department}", "{title} | {category}", "{title}"),
          List.of(
              "{title}，{colour}款，售价{price}。", "{colour}款{title}，仅售{price}。", "{title}，售价{price}。"),
          "");
}
