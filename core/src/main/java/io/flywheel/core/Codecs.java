package io.flywheel.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON codecs of Flywheel's data contracts (see ARCHITECTURE.md, "Data contracts"): Jackson
 * binds each record through its canonical constructor, whose compact form validates it.
 */
public final class Codecs {
  static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  // The fast double writer is deterministic too, and doubles are most of what the
                  // simulator writes.
                  .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                  .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                  .build())
          // Reading: a field takes only the JSON type its contract names; nothing is coerced.
          .withCoercionConfig(
              LogicalType.Textual,
              config ->
                  config
                      .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Integer,
              config ->
                  config
                      .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .addModule(
              new SimpleModule("json-numbers-only")
                  .addDeserializer(Double.class, new JsonNumbersOnly(Double.class))
                  .addDeserializer(double.class, new JsonNumbersOnly(double.class)))
          // A list or map holds no nulls; a primitive (a time, a price) must be there.
          .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .annotationIntrospector(new PrimitivesAreRequired())
          // Fields no contract names are ignored, except by Event, which keeps them in extra.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // Writing: the record components, in order; an absent optional field is left out.
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
          .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
          .build();

  public static final RecordCodec<Event> EVENTS = new BoundCodec<>("events", Event.class);
  public static final RecordCodec<Product> PRODUCTS = new BoundCodec<>("products", Product.class);
  public static final RecordCodec<User> USERS = new BoundCodec<>("users", User.class);
  public static final RecordCodec<ContentItem> CONTENT =
      new BoundCodec<>("content", ContentItem.class);
  public static final RecordCodec<Campaign> CAMPAIGNS =
      new BoundCodec<>("campaigns", Campaign.class);
  public static final RecordCodec<GroundTruth> TRUTH = new BoundCodec<>("truth", GroundTruth.class);

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
    throw new IllegalArgumentException(
        "unknown record kind '"
            + name
            + "' (expected one of "
            + ALL.stream().map(RecordCodec::name).toList()
            + ")");
  }

  public static List<String> names() {
    return ALL.stream().map(RecordCodec::name).toList();
  }

  /** Decodes one line of text; malformed JSON is an {@link InvalidRecordException} on "line". */
  public static <T> T decodeLine(RecordCodec<T> codec, String line) {
    if (codec instanceof BoundCodec<T> bound) {
      return bound.decodeLine(line);
    }
    return codec.decode(readTree(line));
  }

  static JsonNode readTree(String line) {
    try {
      return MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new InvalidRecordException("line", "malformed JSON: " + e.getOriginalMessage());
    }
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

  /** A number must be a JSON number; Jackson alone also reads the strings "NaN", "Infinity". */
  private static final class JsonNumbersOnly extends StdScalarDeserializer<Double> {
    private static final long serialVersionUID = 1L;

    JsonNumbersOnly(Class<Double> type) {
      super(type);
    }

    @Override
    public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return p.currentToken().isNumeric()
          ? p.getDoubleValue()
          : (Double) ctxt.handleUnexpectedToken(handledType(), p);
    }
  }

  /** A primitive component (a time, a price) has no absent value: JSON must give it. */
  private static final class PrimitivesAreRequired extends JacksonAnnotationIntrospector {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean hasRequiredMarker(AnnotatedMember member) {
      Boolean marked = super.hasRequiredMarker(member);
      return marked == null
              && member instanceof AnnotatedParameter
              && member.getRawType().isPrimitive()
          ? Boolean.TRUE
          : marked;
    }
  }
}
