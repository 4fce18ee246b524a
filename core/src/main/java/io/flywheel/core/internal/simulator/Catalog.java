package io.flywheel.core.internal.simulator;

import io.flywheel.core.Campaign;
import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.GroundTruth;
import io.flywheel.core.Product;
import io.flywheel.core.SafetyVerdict;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * The products, their copy variants and the campaigns, with the latent quality of each product and
 * appeal of each variant. Products are numbered in listing order and a product's variants are
 * contiguous, so "what is on sale at time t" is always a prefix of each array.
 */
final class Catalog {
  static final int BRANDS_PER_DEPARTMENT = 6;
  static final String GENERATOR = "simulator";
  static final String GENERATOR_VERSION = "1";
  private static final ContentKind[] SIMULATED_KINDS = {
    ContentKind.PRODUCT_DESCRIPTION, ContentKind.AD_COPY, ContentKind.EMAIL, ContentKind.BANNER_TEXT
  };
  // What the words do not explain: a variant's own pull, drawn where the hidden appeal once was
  // (so the rest of the world is drawn as before). Read text adds about as much spread again.
  private static final double NOISE_SD = 0.45;
  private static final String[] SYLLABLES = {
    "Nor", "Vel", "Aur", "Kin", "Sol", "Tre", "Mar", "Lum", "Cor", "Bri", "Oak", "Zen", "Ast",
    "Pol", "Riv", "Hal"
  };
  private static final String[] ENDINGS = {
    "wave", "ora", "ix", "line", "forge", "wood", "ly", "mont", "era", "dale", "stone", "field"
  };
  private static final String[] ADJECTIVES = {
    "Classic",
    "Pro",
    "Compact",
    "Everyday",
    "Premium",
    "Eco",
    "Ultra",
    "Essential",
    "Signature",
    "Lite"
  };
  static final String[] COLOURS = {"black", "white", "navy", "sage", "sand", "red", "grey", "blue"};
  // Short enough that a hook and any noun fit an ad headline (30 characters).
  private static final String[] HOOKS = {
    "Meet your new",
    "Upgrade to the",
    "Fall for the",
    "Don't miss the",
    "Treat yourself:",
    "Say hello to"
  };
  private static final String[] CALLS = {
    "Shop now.",
    "See it today.",
    "Order before it's gone.",
    "Free returns, always.",
    "Yours in two days."
  };

  final int productCount;
  final int variants;
  final int[] leaf;
  final int[] brand;
  final double[] price;
  final double[] quality;
  final long[] listedAt;
  final String[] brandNames;
  final double[] noise;
  final ContentKind[] kind;
  private final Product[] products;
  private final ContentItem[] content;
  // Read appeal per audience row and item, [row * contentCount + content]; see read().
  private double[] appeal;
  private boolean[] contradicted;
  private double[] averageAppeal;
  private final List<Campaign> campaigns;

  Catalog(
      int productCount,
      int variants,
      double initialShare,
      long start,
      long end,
      UniformRandomProvider rng) {
    this.productCount = productCount;
    this.variants = variants;
    ZigguratSampler.NormalizedGaussian normal = Latent.gaussian(rng);
    brandNames = brandNames(rng);
    listedAt = Arrivals.times(productCount, initialShare, start, end, 365, rng);
    leaf = new int[productCount];
    brand = new int[productCount];
    price = new double[productCount];
    quality = new double[productCount];
    products = new Product[productCount];
    for (int p = 0; p < productCount; p++) {
      Taxonomy.Leaf l = Taxonomy.LEAVES.get(rng.nextInt(Taxonomy.LEAVES.size()));
      leaf[p] = l.index();
      brand[p] =
          Taxonomy.departmentOf(l) * BRANDS_PER_DEPARTMENT + rng.nextInt(BRANDS_PER_DEPARTMENT);
      price[p] =
          Math.max(0.99, Math.round(l.medianPrice() * Math.exp(0.5 * normal.sample())) - 0.01);
      price[p] = Math.round(price[p] * 100) / 100.0;
      quality[p] = Latent.round6(0.6 * normal.sample());
      products[p] = product(p, l, rng);
    }
    int contentCount = productCount * variants;
    noise = new double[contentCount];
    kind = new ContentKind[contentCount];
    content = new ContentItem[contentCount];
    for (int c = 0; c < contentCount; c++) {
      int k = rng.nextInt(SIMULATED_KINDS.length);
      kind[c] = SIMULATED_KINDS[k];
      noise[c] = Latent.round6(NOISE_SD * normal.sample());
      content[c] = contentItem(c, rng);
    }
    campaigns =
        Taxonomy.DEPARTMENT_NAMES.stream()
            .map(
                d ->
                    new Campaign(
                        campaignId(d),
                        d + " always-on",
                        "conversion",
                        List.of(d),
                        "all",
                        start,
                        end,
                        null,
                        List.of()))
            .toList();
  }

  /**
   * Rewrites the copy before anyone reads it (tests plant copy this way); an edit keeps each item's
   * id, kind and products, since slots and tracking refer to them.
   */
  void edit(UnaryOperator<ContentItem> editor) {
    for (int c = 0; c < content.length; c++) {
      ContentItem edited = editor.apply(content[c]);
      if (!edited.id().equals(content[c].id())
          || edited.kind() != content[c].kind()
          || !edited.productIds().equals(content[c].productIds())) {
        throw new IllegalArgumentException(
            "an edit must keep the id, kind and products of " + content[c].id());
      }
      content[c] = edited;
    }
  }

  /**
   * Has every audience row read every item: the appeal table the click model looks up, so reading
   * costs nothing per impression.
   *
   * @param rowShares the share of shoppers in each row, for the average appeal truth reports
   */
  void read(Appeal reader, double[] rowShares) {
    int rows = rowShares.length;
    appeal = new double[rows * content.length];
    contradicted = new boolean[content.length];
    averageAppeal = new double[content.length];
    for (int c = 0; c < content.length; c++) {
      Read read = read(reader, c, content[c].title(), content[c].body(), rows);
      contradicted[c] = read.contradicted();
      double average = 0;
      for (int row = 0; row < rows; row++) {
        double value = read.appeal()[row];
        appeal[row * content.length + c] = value;
        average += rowShares[row] * value;
      }
      averageAppeal[c] = Latent.round6(average);
    }
  }

  /** Other copy for item {@code c}'s product, as each audience row reads it. */
  record Read(double[] appeal, boolean contradicted) {}

  /**
   * How each of {@code rows} audience rows reads {@code title} and {@code body} in place of item
   * {@code c}'s copy: the item's kind and noise, the words of this copy.
   */
  Read read(Appeal reader, int c, String title, String body, int rows) {
    CopyReader.Reading reading = CopyReader.read(title, body);
    List<Product> about = List.of(products[productOf(c)]);
    double[] values = new double[rows];
    for (int row = 0; row < rows; row++) {
      values[row] = Latent.round6(reader.expected(reading, kind[c], about, row) + noise[c]);
    }
    return new Read(values, Appeal.contradicts(reading, about));
  }

  double appeal(int row, int c) {
    return appeal[row * content.length + c];
  }

  /** True when the item's copy states something the catalogue contradicts. */
  boolean contradicted(int c) {
    return contradicted[c];
  }

  private static String[] brandNames(UniformRandomProvider rng) {
    String[] names = new String[Taxonomy.DEPARTMENT_NAMES.size() * BRANDS_PER_DEPARTMENT];
    java.util.Set<String> used = new java.util.HashSet<>();
    for (int i = 0; i < names.length; i++) {
      String name;
      do {
        name = Latent.pick(rng, SYLLABLES) + Latent.pick(rng, ENDINGS);
      } while (!used.add(name));
      names[i] = name;
    }
    return names;
  }

  private Product product(int p, Taxonomy.Leaf l, UniformRandomProvider rng) {
    String model = (char) ('A' + rng.nextInt(26)) + Integer.toString(10 + rng.nextInt(90));
    String adjective = Latent.pick(rng, ADJECTIVES);
    String title =
        brandNames[brand[p]] + " " + adjective + " " + capitalise(l.noun()) + " " + model;
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("colour", Latent.pick(rng, COLOURS));
    attributes.put("model", model);
    String description =
        "The "
            + title
            + " is a "
            + adjective.toLowerCase(Locale.ROOT)
            + " "
            + l.noun()
            + " from "
            + brandNames[brand[p]]
            + ", chosen for "
            + l.department().toLowerCase(Locale.ROOT)
            + " lovers.";
    return new Product(
        productId(p),
        title,
        List.of(l.department(), l.name()),
        brandNames[brand[p]],
        price[p],
        attributes,
        description,
        listedAt[p]);
  }

  private ContentItem contentItem(int c, UniformRandomProvider rng) {
    int p = productOf(c);
    Taxonomy.Leaf l = Taxonomy.LEAVES.get(leaf[p]);
    String brandName = brandNames[brand[p]];
    String noun = l.noun();
    String department = l.department().toLowerCase(Locale.ROOT);
    String productTitle = products[p].title();
    String priceText = String.format(Locale.ROOT, "$%.2f", price[p]);
    // Variants of one product are written differently (by their number, not the generator, so
    // the draws and hence the whole world stay as they were).
    int form = (c % variants) % 3;
    String title;
    String body;
    switch (kind[c]) {
      case PRODUCT_DESCRIPTION -> {
        title = productTitle;
        String call = Latent.pick(rng, CALLS);
        body =
            switch (form) {
              case 0 -> products[p].description() + " " + call;
              case 1 ->
                  "Meet the "
                      + productTitle
                      + ", a "
                      + noun
                      + " "
                      + brandName
                      + " made for "
                      + department
                      + " lovers. "
                      + call;
              default -> brandName + " designed the " + productTitle + " for every day. " + call;
            };
      }
      case AD_COPY -> {
        title = Latent.pick(rng, HOOKS) + " " + noun;
        String call = Latent.pick(rng, CALLS);
        body =
            switch (form) {
              case 0 -> brandName + " " + noun + ", now " + priceText + ". " + call;
              case 1 -> "The " + brandName + " " + noun + " for " + priceText + ". " + call;
              default -> capitalise(noun) + " by " + brandName + ": " + priceText + ". " + call;
            };
      }
      case EMAIL -> {
        title = "Picked for you: the " + brandName + " " + noun;
        String call = Latent.pick(rng, CALLS);
        body =
            switch (form) {
                  case 0 -> "We think you'll love the " + productTitle + ". Yours for " + priceText;
                  case 1 -> "Chosen with you in mind: the " + productTitle + ", now " + priceText;
                  default ->
                      "Back for more " + department + "? The " + productTitle + " is " + priceText;
                }
                + ". "
                + call;
      }
      default -> {
        title =
            switch (form) {
              case 0 -> brandName + " " + capitalise(noun) + " days";
              case 1 -> capitalise(noun) + " picks from " + brandName;
              default -> "The " + brandName + " " + noun + " edit";
            };
        body = Latent.pick(rng, HOOKS) + " " + noun + ". " + Latent.pick(rng, CALLS);
      }
    }
    String segment = kind[c] == ContentKind.EMAIL ? "returning" : "all";
    return new ContentItem(
        contentId(c),
        kind[c],
        "en-US",
        title,
        body,
        List.of(productId(p)),
        segment,
        variantId(c),
        campaignId(l.department()),
        GENERATOR,
        GENERATOR_VERSION,
        SafetyVerdict.APPROVED,
        listedAt[p]);
  }

  private static String capitalise(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  int productOf(int content) {
    return content / variants;
  }

  int contentCount() {
    return content.length;
  }

  String productId(int p) {
    return "p" + p;
  }

  String contentId(int c) {
    return "c" + c;
  }

  String variantId(int c) {
    return "v" + (c % variants + 1);
  }

  static String campaignId(String department) {
    return "cmp-" + department.toLowerCase(Locale.ROOT);
  }

  String campaignOf(int c) {
    return content[c].campaignId();
  }

  List<Product> products() {
    return Arrays.asList(products);
  }

  List<ContentItem> content() {
    return Arrays.asList(content);
  }

  List<Campaign> campaigns() {
    return campaigns;
  }

  GroundTruth.ProductTruth productTruth(int p) {
    return new GroundTruth.ProductTruth(productId(p), quality[p]);
  }

  GroundTruth.ContentTruth contentTruth(int c) {
    return new GroundTruth.ContentTruth(contentId(c), averageAppeal[c]);
  }

  /** Median price of a product's leaf category: the yardstick of price sensitivity. */
  double medianPrice(int p) {
    return Taxonomy.LEAVES.get(leaf[p]).medianPrice();
  }
}
