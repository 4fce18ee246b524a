package io.flywheel.core.internal.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * What shoppers type into the search box: a query drawn from what they want (a category they like,
 * sometimes with a brand or a colour, now and then misspelt, in Chinese for those who read it),
 * together with the products that satisfy that intent, so a search engine can be judged against
 * what the shopper meant rather than what they typed.
 */
final class Searches {
  /** One search: the text typed and the graded products that answer it. */
  record Search(String query, String locale, String intent, Map<String, Integer> relevance) {}

  static final double SESSION_SHARE = 0.05;
  private static final double MISSPELT_SHARE = 0.1;
  // Leaf nouns, departments and colours in Chinese; brands stay Latin.
  private static final Map<String, String> CHINESE =
      Map.ofEntries(
          Map.entry("phone", "手机"),
          Map.entry("laptop", "笔记本电脑"),
          Map.entry("headphones", "耳机"),
          Map.entry("camera", "相机"),
          Map.entry("blender", "搅拌机"),
          Map.entry("armchair", "扶手椅"),
          Map.entry("duvet", "羽绒被"),
          Map.entry("lamp", "台灯"),
          Map.entry("sneakers", "运动鞋"),
          Map.entry("dress", "连衣裙"),
          Map.entry("jacket", "夹克"),
          Map.entry("handbag", "手提包"),
          Map.entry("serum", "精华液"),
          Map.entry("lipstick", "口红"),
          Map.entry("perfume", "香水"),
          Map.entry("shampoo", "洗发水"),
          Map.entry("running shoes", "跑鞋"),
          Map.entry("yoga mat", "瑜伽垫"),
          Map.entry("bike helmet", "自行车头盔"),
          Map.entry("tent", "帐篷"),
          Map.entry("building set", "积木"),
          Map.entry("doll", "玩偶"),
          Map.entry("puzzle", "拼图"),
          Map.entry("board game", "桌游"),
          Map.entry("novel", "小说"),
          Map.entry("cookbook", "菜谱"),
          Map.entry("picture book", "绘本"),
          Map.entry("business book", "商业书籍"),
          Map.entry("coffee beans", "咖啡豆"),
          Map.entry("snack box", "零食礼盒"),
          Map.entry("tea", "茶叶"),
          Map.entry("wine", "葡萄酒"),
          Map.entry("Electronics", "数码电子"),
          Map.entry("Home", "家居"),
          Map.entry("Fashion", "服饰"),
          Map.entry("Beauty", "美妆"),
          Map.entry("Sports", "运动户外"),
          Map.entry("Toys", "玩具"),
          Map.entry("Books", "图书"),
          Map.entry("Grocery", "食品"),
          Map.entry("black", "黑色"),
          Map.entry("white", "白色"),
          Map.entry("navy", "藏青色"),
          Map.entry("sage", "灰绿色"),
          Map.entry("sand", "沙色"),
          Map.entry("red", "红色"),
          Map.entry("grey", "灰色"),
          Map.entry("blue", "蓝色"));

  private final Catalog catalog;
  private final Shoppers shoppers;
  private final int[][] byLeaf;

  Searches(Catalog catalog, Shoppers shoppers) {
    this.catalog = catalog;
    this.shoppers = shoppers;
    List<List<Integer>> leaves = new ArrayList<>();
    for (int l = 0; l < Taxonomy.LEAVES.size(); l++) {
      leaves.add(new ArrayList<>());
    }
    for (int p = 0; p < catalog.productCount; p++) {
      leaves.get(catalog.leaf[p]).add(p);
    }
    byLeaf =
        leaves.stream()
            .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
            .toArray(int[][]::new);
  }

  /**
   * A search by {@code user} at {@code time} among the products listed by then, or null when
   * nothing listed would answer what the shopper wants.
   */
  Search draw(int user, long time, UniformRandomProvider rng) {
    Taxonomy.Leaf leaf = Taxonomy.LEAVES.get(shoppers.drawLeaf(user, rng));
    boolean chinese = shoppers.readsChinese(user);
    String locale = Audience.LOCALES.get(chinese ? 1 : 0);
    String noun = chinese ? CHINESE.get(leaf.noun()) : leaf.noun();
    Map<String, Integer> relevance = new LinkedHashMap<>();
    String query;
    String intent;
    double form = rng.nextDouble();
    if (form < 0.4) {
      query = noun;
      intent = "leaf=" + leaf.name();
      grade(leaf.index(), time, p -> 2, relevance);
    } else if (form < 0.5) {
      String department = leaf.department();
      query = chinese ? CHINESE.get(department) : department.toLowerCase(Locale.ROOT);
      intent = "department=" + department;
      for (Taxonomy.Leaf l : Taxonomy.LEAVES) {
        if (l.department().equals(department)) {
          grade(l.index(), time, p -> 1, relevance);
        }
      }
    } else if (form < 0.75) {
      int department = Taxonomy.departmentOf(leaf);
      int favourite = shoppers.favouriteBrand[user];
      int brand =
          favourite / Catalog.BRANDS_PER_DEPARTMENT == department && rng.nextBoolean()
              ? favourite
              : department * Catalog.BRANDS_PER_DEPARTMENT
                  + rng.nextInt(Catalog.BRANDS_PER_DEPARTMENT);
      String name = catalog.brandNames[brand];
      query = name + " " + noun;
      intent = "leaf=" + leaf.name() + " brand=" + name;
      grade(leaf.index(), time, p -> catalog.brand[p] == brand ? 2 : 1, relevance);
    } else {
      String colour = Latent.pick(rng, Catalog.COLOURS);
      query = chinese ? CHINESE.get(colour) + noun : colour + " " + noun;
      intent = "leaf=" + leaf.name() + " colour=" + colour;
      grade(
          leaf.index(),
          time,
          p -> colour.equals(catalog.products().get(p).attributes().get("colour")) ? 2 : 1,
          relevance);
    }
    if (relevance.isEmpty()) {
      return null;
    }
    if (!chinese && rng.nextDouble() < MISSPELT_SHARE) {
      query = misspell(query, rng);
      intent += " misspelt";
    }
    return new Search(query, locale, intent, sorted(relevance));
  }

  private void grade(
      int leaf, long time, java.util.function.IntUnaryOperator gradeOf, Map<String, Integer> out) {
    for (int p : byLeaf[leaf]) {
      if (catalog.listedAt[p] > time) {
        break; // products are numbered in listing order
      }
      out.put(catalog.productId(p), gradeOf.applyAsInt(p));
    }
  }

  /** The most relevant first, then in catalogue order. */
  private static Map<String, Integer> sorted(Map<String, Integer> relevance) {
    Map<String, Integer> sorted = new LinkedHashMap<>();
    relevance.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEachOrdered(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** One slip of the finger in the longest word: two letters swapped, or one dropped. */
  static String misspell(String query, UniformRandomProvider rng) {
    String[] words = query.split(" ");
    int longest = 0;
    for (int w = 1; w < words.length; w++) {
      if (words[w].length() > words[longest].length()) {
        longest = w;
      }
    }
    String word = words[longest];
    if (word.length() < 4) {
      return query;
    }
    int at = 1 + rng.nextInt(word.length() - 2);
    words[longest] =
        rng.nextBoolean()
            ? word.substring(0, at) + word.charAt(at + 1) + word.charAt(at) + word.substring(at + 2)
            : word.substring(0, at) + word.substring(at + 1);
    return String.join(" ", words);
  }
}
