package io.flywheel.core;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A {@link RecordCodec} on Jackson data binding: a record's wire fields are its components (renamed
 * only by {@link JsonProperty}), and its compact constructor validates it.
 *
 * <p>A line is bound whole, straight from its text, by one {@link ObjectReader} per record type
 * (fields a record does not name are gathered on the way, for {@code Event.extra}). Only a line
 * that does not bind is read again, as a tree, and bound field by field in component order, as the
 * contract has always been checked: the first field with the wrong JSON type, or missing when it is
 * required, is the one the {@link InvalidRecordException} names; if there is none, it is what the
 * record's compact constructor rejected.
 */
final class BoundCodec<T> implements RecordCodec<T> {
  /** A record's canonical constructor and its fields in component order. */
  private record Shape(Constructor<?> constructor, List<Field> fields, Set<String> names) {}

  /**
   * One component: its wire name, its type and a reader for its value alone, or the {@link
   * JsonAnyGetter} map that keeps the fields the record does not name.
   */
  private record Field(
      String name, JavaType type, ObjectReader reader, Method accessor, boolean keepsUnknown) {}

  private final String name;
  private final ObjectReader reader;
  private final ObjectWriter writer;

  /** For a {@link JsonTypeInfo} interface, the property that names the record; else null. */
  private final String kindProperty;

  /** The shape of each record by the name the kind property gives it ("" for a plain record). */
  private final Map<String, Shape> shapes = new LinkedHashMap<>();

  /** Gathers unknown fields while a line is bound, for a record that keeps them; else null. */
  private final UnknownFields unknownFields;

  BoundCodec(String name, Class<T> type) {
    this.name = name;
    this.writer = Codecs.MAPPER.writerFor(type);
    JsonTypeInfo typeInfo = type.getAnnotation(JsonTypeInfo.class);
    this.kindProperty = typeInfo == null ? null : typeInfo.property();
    if (typeInfo == null) {
      shapes.put("", shapeOf(type));
    } else {
      for (JsonSubTypes.Type subtype : type.getAnnotation(JsonSubTypes.class).value()) {
        shapes.put(subtype.name(), shapeOf(subtype.value()));
      }
    }
    this.unknownFields =
        typeInfo == null && shapes.get("").fields().stream().anyMatch(Field::keepsUnknown)
            ? new UnknownFields()
            : null;
    // A line with a duplicate key is read as a tree, where the last value wins, as it always
    // was; so is one with a field named like an ignored property (Event's "extra").
    ObjectReader whole =
        Codecs.MAPPER.readerFor(type).with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    this.reader =
        unknownFields == null
            ? whole
            : whole
                .withHandler(unknownFields)
                .with(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES);
  }

  private static Shape shapeOf(Class<?> record) {
    RecordComponent[] components = record.getRecordComponents();
    List<Field> fields =
        Arrays.stream(components)
            .map(
                component -> {
                  JavaType type = Codecs.MAPPER.constructType(component.getGenericType());
                  JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
                  return new Field(
                      renamed == null || renamed.value().isEmpty()
                          ? component.getName()
                          : renamed.value(),
                      type,
                      Codecs.MAPPER.readerFor(type),
                      component.getAccessor(),
                      component.getAccessor().isAnnotationPresent(JsonAnyGetter.class));
                })
            .toList();
    try {
      return new Shape(
          record.getDeclaredConstructor(
              Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new)),
          fields,
          fields.stream()
              .filter(f -> !f.keepsUnknown())
              .map(Field::name)
              .collect(Collectors.toUnmodifiableSet()));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("a record has a canonical constructor", e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  /** Decodes one line; a valid line is bound in one pass, with no tree in between. */
  T decodeLine(String line) {
    Map<String, Object> unknown = unknownFields == null ? Map.of() : unknownFields.start();
    try {
      T value = reader.readValue(line);
      if (value != null) {
        return unknown.isEmpty() ? value : withUnknownFields(value, unknown);
      }
    } catch (IOException e) {
      // Read it again as a tree, field by field: that names the field at fault.
    }
    return decode(Codecs.readTree(line));
  }

  @Override
  public T decode(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new InvalidRecordException(
          "line", "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    Shape shape = shapeFor(node);
    Object[] args = new Object[shape.fields().size()];
    for (int i = 0; i < args.length; i++) {
      Field field = shape.fields().get(i);
      try {
        args[i] = field.keepsUnknown() ? unknownFields(node, shape) : read(field, node);
      } catch (InvalidRecordException broken) {
        throw missingBefore(shape, args, i).orElse(broken);
      }
    }
    @SuppressWarnings("unchecked")
    T record = (T) construct(shape, args);
    return record;
  }

  @Override
  public void encode(T value, JsonGenerator out) throws IOException {
    writer.writeValue(out, Objects.requireNonNull(value, "value"));
  }

  private Shape shapeFor(JsonNode record) {
    if (kindProperty == null) {
      return shapes.get("");
    }
    JsonNode kind = record.get(kindProperty);
    if (kind == null || kind.isNull()) {
      throw new InvalidRecordException(kindProperty, "is required");
    }
    if (!kind.isTextual()) {
      throw new InvalidRecordException(kindProperty, "expected a string, got " + describe(kind));
    }
    Shape shape = shapes.get(kind.textValue());
    if (shape == null) {
      List<String> kinds = List.copyOf(shapes.keySet());
      String last = kinds.get(kinds.size() - 1);
      throw new InvalidRecordException(
          kindProperty,
          "unknown "
              + name
              + " "
              + kindProperty
              + " \""
              + kind.textValue()
              + "\" (expected "
              + (kinds.size() == 1
                  ? last
                  : String.join(", ", kinds.subList(0, kinds.size() - 1)) + " or " + last)
              + ")");
    }
    return shape;
  }

  /** A field's value as Jackson binds it alone, or null when it is absent and may be. */
  private static Object read(Field field, JsonNode record) {
    JsonNode value = record.get(field.name());
    if (value == null || value.isNull()) {
      if (field.type().isPrimitive()) {
        throw new InvalidRecordException(field.name(), "is required");
      }
      return null;
    }
    try {
      return field.reader().readValue(value);
    } catch (IOException e) {
      throw wrongType(field, value, e);
    }
  }

  /** The record again, with the fields the line had that it does not name. */
  private T withUnknownFields(T value, Map<String, Object> unknown) {
    Shape shape = shapes.get("");
    Object[] args = new Object[shape.fields().size()];
    for (int i = 0; i < args.length; i++) {
      Field field = shape.fields().get(i);
      try {
        args[i] =
            field.keepsUnknown() ? new LinkedHashMap<>(unknown) : field.accessor().invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    @SuppressWarnings("unchecked")
    T record = (T) construct(shape, args);
    return record;
  }

  /** The fields a record does not name, in the line's order, as {@code Event.extra} keeps them. */
  private static Map<String, Object> unknownFields(JsonNode record, Shape shape) {
    Map<String, Object> unknown = new LinkedHashMap<>();
    record
        .properties()
        .forEach(
            entry -> {
              if (!shape.names().contains(entry.getKey())) {
                unknown.put(
                    entry.getKey(), Codecs.MAPPER.convertValue(entry.getValue(), Object.class));
              }
            });
    return unknown;
  }

  /**
   * A required field before field {@code at} that the line lacks: the contract reports the first
   * broken field, and which fields are required only the record's constructor knows. So it is
   * asked, with the fields read so far and zero or null for the rest.
   */
  private static Optional<InvalidRecordException> missingBefore(
      Shape shape, Object[] args, int at) {
    Object[] probe = args.clone();
    for (int i = at; i < probe.length; i++) {
      Class<?> type = shape.fields().get(i).type().getRawClass();
      probe[i] = type.isPrimitive() ? Array.get(Array.newInstance(type, 1), 0) : null;
    }
    try {
      construct(shape, probe);
    } catch (InvalidRecordException e) {
      for (int i = 0; i < at; i++) {
        if (args[i] == null
            && shape.fields().get(i).name().equals(e.field())
            && e.reason().equals("is required")) {
          return Optional.of(e);
        }
      }
    } catch (RuntimeException e) {
      // Not a complaint about a missing field.
    }
    return Optional.empty();
  }

  private static Object construct(Shape shape, Object[] args) {
    try {
      return shape.constructor().newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException thrown) {
        throw thrown;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InvalidRecordException wrongType(Field field, JsonNode value, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidRecordException unknownName && value.isTextual()) {
        // An enum that does not know the name: its reason, on this field.
        return new InvalidRecordException(field.name(), unknownName.reason());
      }
    }
    List<JsonMappingException.Reference> path =
        e instanceof JsonMappingException mapping ? mapping.getPath() : List.of();
    if (!path.isEmpty() && field.type().isMapLikeType() && path.get(0).getFieldName() != null) {
      String key = path.get(0).getFieldName();
      return new InvalidRecordException(
          field.name() + "." + key,
          "expected "
              + expected(field.type().getContentType())
              + ", got "
              + describe(value.get(key)));
    }
    if (!path.isEmpty() && field.type().isCollectionLikeType() && path.get(0).getIndex() >= 0) {
      return new InvalidRecordException(
          field.name(),
          "expected "
              + expected(field.type())
              + ", found "
              + describe(value.get(path.get(0).getIndex())));
    }
    return new InvalidRecordException(
        field.name(), "expected " + expected(field.type()) + ", got " + describe(value));
  }

  /** "a string", "an integer", "an array of strings", ... as the contract's errors say it. */
  private static String expected(JavaType type) {
    String noun = noun(type);
    return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }

  private static String noun(JavaType type) {
    if (type.isCollectionLikeType()) {
      return "array of " + noun(type.getContentType()) + "s";
    }
    if (type.isMapLikeType()) {
      return "object of " + noun(type.getContentType()) + "s";
    }
    Class<?> raw = type.getRawClass();
    if (raw == int.class || raw == Integer.class) {
      return "32-bit integer";
    }
    if (raw == long.class || raw == Long.class) {
      return "integer";
    }
    if (raw == double.class || raw == Double.class) {
      return "number";
    }
    return "string";
  }

  private static String describe(JsonNode value) {
    String text = value.toString();
    if (text.length() > 40) {
      text = text.substring(0, 37) + "...";
    }
    return value.getNodeType().name().toLowerCase(Locale.ROOT) + " " + text;
  }

  /**
   * Gathers, in the line's order, the fields a record does not name while Jackson binds the rest.
   * (Jackson 2.21 would fill a {@code @JsonAnySetter} record component too, but in reverse order
   * and into a HashMap: jackson-databind#5353.) One map per thread, emptied for each line.
   */
  private static final class UnknownFields extends DeserializationProblemHandler {
    private final ThreadLocal<Map<String, Object>> fields =
        ThreadLocal.withInitial(LinkedHashMap::new);

    Map<String, Object> start() {
      Map<String, Object> map = fields.get();
      map.clear();
      return map;
    }

    @Override
    public boolean handleUnknownProperty(
        DeserializationContext ctxt,
        JsonParser p,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      fields.get().put(propertyName, ctxt.readValue(p, Object.class));
      return true;
    }
  }
}
