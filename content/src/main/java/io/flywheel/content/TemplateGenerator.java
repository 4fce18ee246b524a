package io.flywheel.content;

import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.MessageAngle;
import io.flywheel.core.SafetyVerdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The default generator: needs nothing installed. Each variant is written around one message angle
 * (the segment decides which lead), from the locale's {@link CopyGrammar}, filled only with the
 * product's facts; an angle the facts cannot support (social proof without a measured rank, novelty
 * for an old product) is not used. The same seed and request give the same copy.
 */
public final class TemplateGenerator implements ContentGenerator {
  public static final String NAME = "templates";
  public static final String VERSION = "1";

  /** Which angles lead for each segment; "all" for any other. */
  private static final Map<String, List<MessageAngle>> ANGLE_ORDER =
      Map.of(
          "all",
          List.of(
              MessageAngle.SAVINGS,
              MessageAngle.QUALITY,
              MessageAngle.SOCIAL_PROOF,
              MessageAngle.BRAND,
              MessageAngle.NOVELTY,
              MessageAngle.TRUST,
              MessageAngle.URGENCY),
          "new",
          List.of(
              MessageAngle.TRUST,
              MessageAngle.SAVINGS,
              MessageAngle.SOCIAL_PROOF,
              MessageAngle.QUALITY,
              MessageAngle.BRAND,
              MessageAngle.NOVELTY,
              MessageAngle.URGENCY),
          "returning",
          List.of(
              MessageAngle.NOVELTY,
              MessageAngle.BRAND,
              MessageAngle.QUALITY,
              MessageAngle.SAVINGS,
              MessageAngle.SOCIAL_PROOF,
              MessageAngle.URGENCY,
              MessageAngle.TRUST),
          "vip",
          List.of(
              MessageAngle.QUALITY,
              MessageAngle.BRAND,
              MessageAngle.NOVELTY,
              MessageAngle.TRUST,
              MessageAngle.SOCIAL_PROOF,
              MessageAngle.SAVINGS,
              MessageAngle.URGENCY));

  private final long seed;
  private final ShopPolicy policy;

  public TemplateGenerator(long seed, ShopPolicy policy) {
    this.seed = seed;
    this.policy = policy;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<ContentItem> generate(ContentRequest request) {
    GenerationPolicy.check(request);
    CopySlots slots = new CopySlots(request.facts(), request.locale(), policy);
    CopyGrammar grammar = CopyGrammar.of(request.locale());
    List<MessageAngle> angles = supportedAngles(request, slots);
    List<ContentItem> items = new ArrayList<>();
    Set<String> written = new HashSet<>();
    // Up to a few passes over the angles: the second pass uses other lines of the same angle.
    for (int attempt = 0; items.size() < request.variants() && attempt < 4 * angles.size(); ) {
      MessageAngle angle = angles.get(attempt % angles.size());
      SplittableRandom rng = new SplittableRandom(seed ^ key(request, attempt).hashCode());
      attempt++;
      Optional<String[]> copy = write(request, grammar, slots, angle, rng);
      if (copy.isPresent() && written.add(copy.get()[0] + "\n" + copy.get()[1])) {
        items.add(item(request, angle, copy.get(), items.size() + 1));
      }
    }
    return items;
  }

  /** The angles the facts support, in the order the request's segment prefers them. */
  static List<MessageAngle> supportedAngles(ContentRequest request, CopySlots slots) {
    List<MessageAngle> order = ANGLE_ORDER.getOrDefault(request.segment(), ANGLE_ORDER.get("all"));
    List<MessageAngle> angles = new ArrayList<>();
    for (MessageAngle angle : order) {
      boolean supported =
          switch (angle) {
            case SOCIAL_PROOF -> slots.has("rankCategory");
            case NOVELTY -> request.facts().isNew();
            case TRUST -> slots.has("returnDays") || slots.has("deliveryDays");
            default -> true;
          };
      if (supported) {
        angles.add(angle);
      }
    }
    return angles;
  }

  /** Title and body, or empty when no combination of lines fits the kind's limits. */
  private Optional<String[]> write(
      ContentRequest request,
      CopyGrammar g,
      CopySlots slots,
      MessageAngle angle,
      SplittableRandom rng) {
    CopyLimits limits = CopyLimits.of(request.kind());
    String segment = request.segment();
    boolean discounted = slots.has("discount");
    List<String> prices = discounted ? g.discountPrices() : g.plainPrices();
    for (int tries = 0; tries < 12; tries++) {
      String headline = pick(g.headlines().get(angle), slots, rng);
      String lead = pick(g.leads().get(angle), slots, rng);
      String call = pick(g.callsFor(segment), slots, rng);
      if (headline == null || lead == null) {
        return Optional.empty();
      }
      String title;
      String body;
      switch (request.kind()) {
        case AD_COPY -> {
          title = headline;
          body = join(g, lead, call);
        }
        case BANNER_TEXT -> {
          title = headline;
          body = join(g, lead.length() < 60 ? lead : pick(prices, slots, rng), call);
        }
        case EMAIL -> {
          title = subject(request, headline, slots, limits);
          body =
              join(
                  g,
                  g.greetingFor(segment),
                  lead,
                  pick(g.details(), slots, rng),
                  angle == MessageAngle.SAVINGS ? "" : pick(prices, slots, rng),
                  call);
        }
        case SEO_DESCRIPTION -> {
          title = pick(g.seoTitles(), slots, rng);
          body = join(g, lead, pick(g.seoBodies(), slots, rng));
        }
        default -> {
          title = slots.fill("{title}").orElseThrow();
          body =
              join(
                  g,
                  lead,
                  pick(g.details(), slots, rng),
                  angle == MessageAngle.SAVINGS ? "" : pick(prices, slots, rng),
                  call);
        }
      }
      if (title != null
          && body != null
          && CopyLimits.width(title) <= limits.titleMax()
          && CopyLimits.width(body) <= limits.bodyMax()) {
        return Optional.of(new String[] {title, body});
      }
    }
    return Optional.empty();
  }

  /** The headline, naming the product (or at least its brand) when the subject line has room. */
  private static String subject(
      ContentRequest request, String headline, CopySlots slots, CopyLimits limits) {
    String brand = slots.fill("{brand}").orElseThrow();
    String title = slots.fill("{title}").orElseThrow();
    String colon = request.locale() == CopyLocale.ZH_CN ? "：" : ": ";
    String the = request.locale() == CopyLocale.ZH_CN ? "" : "the ";
    String full = headline + colon + the + title;
    if (CopyLimits.width(full) <= limits.titleMax()) {
      return full;
    }
    return headline.contains(brand) ? headline : headline + colon + brand;
  }

  /** A line of {@code lines} whose slots are all known, chosen by {@code rng}; null if none. */
  private static String pick(List<String> lines, CopySlots slots, SplittableRandom rng) {
    int start = rng.nextInt(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      Optional<String> filled = slots.fill(lines.get((start + i) % lines.size()));
      if (filled.isPresent()) {
        return filled.get();
      }
    }
    return null;
  }

  private static String join(CopyGrammar g, String... sentences) {
    StringBuilder out = new StringBuilder();
    for (String s : sentences) {
      if (s == null || s.isEmpty()) {
        continue;
      }
      if (out.length() > 0) {
        out.append(g.sentenceGap());
      }
      out.append(s);
    }
    return out.toString();
  }

  private ContentItem item(ContentRequest request, MessageAngle angle, String[] copy, int n) {
    var product = request.facts().product();
    return new ContentItem(
        contentId(request, n),
        request.kind(),
        request.locale().tag(),
        copy[0],
        copy[1],
        List.of(product.id()),
        request.segment(),
        "v" + n,
        request.campaignId(),
        NAME,
        VERSION,
        SafetyVerdict.PENDING,
        request.facts().asOf(),
        angle);
  }

  private static String key(ContentRequest request, int attempt) {
    return request.facts().product().id()
        + "|"
        + request.kind().wireName()
        + "|"
        + request.locale().tag()
        + "|"
        + request.segment()
        + "|"
        + attempt;
  }

  /** Stable across runs and machines: the same request writes the same ids. */
  static String contentId(ContentRequest request, int variant) {
    String key =
        key(request, variant) + "|" + (request.campaignId() == null ? "" : request.campaignId());
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "cp-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What to use when no LLM is configured: this generator with the shop's policy. */
  public static ContentGenerator standard(long seed, ShopPolicy policy) {
    return new TemplateGenerator(seed, policy);
  }

  static ContentKind[] kinds() {
    return new ContentKind[] {
      ContentKind.PRODUCT_DESCRIPTION,
      ContentKind.AD_COPY,
      ContentKind.EMAIL,
      ContentKind.BANNER_TEXT,
      ContentKind.SEO_DESCRIPTION
    };
  }
}
