package io.flywheel.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The JSON codecs of Flywheel's data contracts (see ARCHITECTURE.md, "Data contracts"). */
public final class Codecs {
  // The fast double writer is deterministic too, and doubles are most of what the simulator writes.
  static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .build()).build();

  public static final RecordCodec<Event> EVENTS = new EventCodec();
  public static final RecordCodec<Product> PRODUCTS = new ProductCodec();
  public static final RecordCodec<User> USERS = new UserCodec();
  public static final RecordCodec<ContentItem> CONTENT = new ContentCodec();
  public static final RecordCodec<Campaign> CAMPAIGNS = new CampaignCodec();
  public static final RecordCodec<GroundTruth> TRUTH = new TruthCodec();

  private static final List<RecordCodec<?>> ALL =
      List.of(EVENTS, PRODUCTS, USERS, CONTENT, CAMPAIGNS, TRUTH);

  private Codecs() {}

  /** The codec named {@code name} ({@code events}, {@code products}, {@code users}, ...). */
  public static RecordCodec<?> byName(String name) {
    for (RecordCodec<?> codec : ALL) {
      if (codec.name().equals(name)) {
        return codec;
      }
    }
    throw new IllegalArgumentException("unknown record kind '" + name + "' (expected one of "
        + ALL.stream().map(RecordCodec::name).toList() + ")");
  }

  public static List<String> names() {
    return ALL.stream().map(RecordCodec::name).toList();
  }

  /** Decodes one line of text; malformed JSON is an {@link InvalidRecordException} on "line". */
  public static <T> T decodeLine(RecordCodec<T> codec, String line) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new InvalidRecordException("line", "malformed JSON: " + e.getOriginalMessage());
    }
    return codec.decode(node);
  }

  /** Encodes one record as a single line of JSON (no trailing newline). */
  public static <T> String encodeLine(RecordCodec<T> codec, T value) {
    StringWriter text = new StringWriter(256);
    try (JsonGenerator out = MAPPER.getFactory().createGenerator(text)) {
      codec.encode(value, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  static void writeOptional(JsonGenerator out, String field, String value) throws IOException {
    if (value != null) {
      out.writeStringField(field, value);
    }
  }

  static void writeOptional(JsonGenerator out, String field, Integer value) throws IOException {
    if (value != null) {
      out.writeNumberField(field, value);
    }
  }

  static void writeOptional(JsonGenerator out, String field, Double value) throws IOException {
    if (value != null) {
      out.writeNumberField(field, value);
    }
  }

  static void writeStrings(JsonGenerator out, String field, List<String> values)
      throws IOException {
    out.writeArrayFieldStart(field);
    for (String value : values) {
      out.writeString(value);
    }
    out.writeEndArray();
  }

  private static final class EventCodec implements RecordCodec<Event> {
    private static final Set<String> KNOWN = Set.of("eventId", "type", "userId", "productId",
        "contentId", "requestId", "sessionId", "position", "propensity", "campaignId",
        "experimentId", "arm", "variantId", "price", "quantity", "timestamp", "receivedAt");

    @Override
    public String name() {
      return "events";
    }

    @Override
    public Event decode(JsonNode node) {
      JsonFields f = new JsonFields(node);
      Map<String, Object> extra = new LinkedHashMap<>();
      node.fields().forEachRemaining(entry -> {
        if (!KNOWN.contains(entry.getKey())) {
          extra.put(entry.getKey(), MAPPER.convertValue(entry.getValue(), Object.class));
        }
      });
      return new Event(f.text("eventId"), EventType.fromWire(f.text("type"), "type"),
          f.text("userId"), f.optionalText("productId"), f.optionalText("contentId"),
          f.optionalText("requestId"), f.optionalText("sessionId"), f.optionalInt("position"),
          f.optionalDouble("propensity"), f.optionalText("campaignId"),
          f.optionalText("experimentId"), f.optionalText("arm"), f.optionalText("variantId"),
          f.optionalDouble("price"), f.optionalInt("quantity"), f.longValue("timestamp"),
          f.longValue("receivedAt"), extra);
    }

    @Override
    public void encode(Event e, JsonGenerator out) throws IOException {
      out.writeStartObject();
      out.writeStringField("eventId", e.eventId());
      out.writeStringField("type", e.type().wireName());
      out.writeStringField("userId", e.userId());
      writeOptional(out, "productId", e.productId());
      writeOptional(out, "contentId", e.contentId());
      writeOptional(out, "requestId", e.requestId());
      writeOptional(out, "sessionId", e.sessionId());
      writeOptional(out, "position", e.position());
      writeOptional(out, "propensity", e.propensity());
      writeOptional(out, "campaignId", e.campaignId());
      writeOptional(out, "experimentId", e.experimentId());
      writeOptional(out, "arm", e.arm());
      writeOptional(out, "variantId", e.variantId());
      writeOptional(out, "price", e.price());
      writeOptional(out, "quantity", e.quantity());
      out.writeNumberField("timestamp", e.timestamp());
      out.writeNumberField("receivedAt", e.receivedAt());
      for (Map.Entry<String, Object> entry : e.extra().entrySet()) {
        out.writeFieldName(entry.getKey());
        MAPPER.writeValue(out, entry.getValue());
      }
      out.writeEndObject();
    }
  }

  private static final class ProductCodec implements RecordCodec<Product> {
    @Override
    public String name() {
      return "products";
    }

    @Override
    public Product decode(JsonNode node) {
      JsonFields f = new JsonFields(node);
      return new Product(f.text("id"), f.text("title"), f.textList("categoryPath"),
          f.text("brand"), f.doubleValue("price"), f.textMap("attributes"),
          f.optionalText("description"), f.longValue("listedAt"));
    }

    @Override
    public void encode(Product p, JsonGenerator out) throws IOException {
      out.writeStartObject();
      out.writeStringField("id", p.id());
      out.writeStringField("title", p.title());
      writeStrings(out, "categoryPath", p.categoryPath());
      out.writeStringField("brand", p.brand());
      out.writeNumberField("price", p.price());
      out.writeObjectFieldStart("attributes");
      for (Map.Entry<String, String> entry : p.attributes().entrySet()) {
        out.writeStringField(entry.getKey(), entry.getValue());
      }
      out.writeEndObject();
      out.writeStringField("description", p.description());
      out.writeNumberField("listedAt", p.listedAt());
      out.writeEndObject();
    }
  }

  private static final class UserCodec implements RecordCodec<User> {
    @Override
    public String name() {
      return "users";
    }

    @Override
    public User decode(JsonNode node) {
      JsonFields f = new JsonFields(node);
      return new User(f.text("id"), f.text("region"), f.text("device"), f.longValue("joinedAt"));
    }

    @Override
    public void encode(User u, JsonGenerator out) throws IOException {
      out.writeStartObject();
      out.writeStringField("id", u.id());
      out.writeStringField("region", u.region());
      out.writeStringField("device", u.device());
      out.writeNumberField("joinedAt", u.joinedAt());
      out.writeEndObject();
    }
  }

  private static final class ContentCodec implements RecordCodec<ContentItem> {
    @Override
    public String name() {
      return "content";
    }

    @Override
    public ContentItem decode(JsonNode node) {
      JsonFields f = new JsonFields(node);
      return new ContentItem(f.text("id"), ContentKind.fromWire(f.text("kind"), "kind"),
          f.text("locale"), f.text("title"), f.text("body"), f.textList("productIds"),
          f.optionalText("targetSegment"), f.text("variantId"), f.optionalText("campaignId"),
          f.text("generator"), f.text("generatorVersion"),
          SafetyVerdict.fromWire(f.text("safetyVerdict"), "safetyVerdict"),
          f.longValue("createdAt"));
    }

    @Override
    public void encode(ContentItem c, JsonGenerator out) throws IOException {
      out.writeStartObject();
      out.writeStringField("id", c.id());
      out.writeStringField("kind", c.kind().wireName());
      out.writeStringField("locale", c.locale());
      out.writeStringField("title", c.title());
      out.writeStringField("body", c.body());
      writeStrings(out, "productIds", c.productIds());
      out.writeStringField("targetSegment", c.targetSegment());
      out.writeStringField("variantId", c.variantId());
      writeOptional(out, "campaignId", c.campaignId());
      out.writeStringField("generator", c.generator());
      out.writeStringField("generatorVersion", c.generatorVersion());
      out.writeStringField("safetyVerdict", c.safetyVerdict().wireName());
      out.writeNumberField("createdAt", c.createdAt());
      out.writeEndObject();
    }
  }

  private static final class CampaignCodec implements RecordCodec<Campaign> {
    @Override
    public String name() {
      return "campaigns";
    }

    @Override
    public Campaign decode(JsonNode node) {
      JsonFields f = new JsonFields(node);
      return new Campaign(f.text("id"), f.text("name"), f.text("objective"),
          f.textList("categoryPath"), f.optionalText("targetSegment"), f.longValue("startsAt"),
          f.longValue("endsAt"), f.optionalText("experimentId"), f.textList("arms"));
    }

    @Override
    public void encode(Campaign c, JsonGenerator out) throws IOException {
      out.writeStartObject();
      out.writeStringField("id", c.id());
      out.writeStringField("name", c.name());
      out.writeStringField("objective", c.objective());
      writeStrings(out, "categoryPath", c.categoryPath());
      out.writeStringField("targetSegment", c.targetSegment());
      out.writeNumberField("startsAt", c.startsAt());
      out.writeNumberField("endsAt", c.endsAt());
      writeOptional(out, "experimentId", c.experimentId());
      writeStrings(out, "arms", c.arms());
      out.writeEndObject();
    }
  }

  private static final class TruthCodec implements RecordCodec<GroundTruth> {
    @Override
    public String name() {
      return "truth";
    }

    @Override
    public GroundTruth decode(JsonNode node) {
      JsonFields f = new JsonFields(node);
      String kind = f.text("kind");
      return switch (kind) {
        case "impression" -> new GroundTruth.ImpressionTruth(f.text("eventId"),
            f.text("requestId"), f.text("contentId"), probability(f, "pClick"),
            probability(f, "pPurchase"));
        case "user" -> new GroundTruth.UserTruth(f.text("userId"),
            f.doubleMap("categoryAffinity"), f.doubleValue("priceSensitivity"),
            f.text("favouriteBrand"), f.doubleValue("brandLoyalty"), f.doubleValue("activity"));
        case "product" -> new GroundTruth.ProductTruth(f.text("productId"),
            f.doubleValue("quality"));
        case "content" -> new GroundTruth.ContentTruth(f.text("contentId"),
            f.doubleValue("appeal"));
        default -> throw new InvalidRecordException("kind", "unknown truth kind \"" + kind
            + "\" (expected impression, user, product or content)");
      };
    }

    private static double probability(JsonFields f, String field) {
      double p = f.doubleValue(field);
      if (!(p >= 0 && p <= 1)) {
        throw new InvalidRecordException(field, "must be a probability in [0, 1], got " + p);
      }
      return p;
    }

    @Override
    public void encode(GroundTruth truth, JsonGenerator out) throws IOException {
      out.writeStartObject();
      out.writeStringField("kind", truth.kind());
      if (truth instanceof GroundTruth.ImpressionTruth t) {
        out.writeStringField("eventId", t.eventId());
        out.writeStringField("requestId", t.requestId());
        out.writeStringField("contentId", t.contentId());
        out.writeNumberField("pClick", t.pClick());
        out.writeNumberField("pPurchase", t.pPurchase());
      } else if (truth instanceof GroundTruth.UserTruth t) {
        out.writeStringField("userId", t.userId());
        out.writeObjectFieldStart("categoryAffinity");
        for (Map.Entry<String, Double> entry : t.categoryAffinity().entrySet()) {
          out.writeNumberField(entry.getKey(), entry.getValue());
        }
        out.writeEndObject();
        out.writeNumberField("priceSensitivity", t.priceSensitivity());
        out.writeStringField("favouriteBrand", t.favouriteBrand());
        out.writeNumberField("brandLoyalty", t.brandLoyalty());
        out.writeNumberField("activity", t.activity());
      } else if (truth instanceof GroundTruth.ProductTruth t) {
        out.writeStringField("productId", t.productId());
        out.writeNumberField("quality", t.quality());
      } else if (truth instanceof GroundTruth.ContentTruth t) {
        out.writeStringField("contentId", t.contentId());
        out.writeNumberField("appeal", t.appeal());
      }
      out.writeEndObject();
    }
  }
}
