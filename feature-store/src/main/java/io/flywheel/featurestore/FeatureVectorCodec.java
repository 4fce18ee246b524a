package io.flywheel.featurestore;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bytes an online store keeps for one vector: JSON with its as-of and write times. */
final class FeatureVectorCodec {
  static final ObjectMapper JSON = new ObjectMapper();

  private FeatureVectorCodec() {}

  static byte[] encode(FeatureVector vector, long writtenAt) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (JsonGenerator out = JSON.getFactory().createGenerator(bytes)) {
      out.writeStartObject();
      out.writeNumberField("asOf", vector.asOf());
      out.writeNumberField("writtenAt", writtenAt);
      out.writeObjectFieldStart("values");
      for (Map.Entry<String, Object> entry : vector.values().entrySet()) {
        writeValue(out, entry.getKey(), entry.getValue());
      }
      out.writeEndObject();
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static void writeValue(JsonGenerator out, String name, Object value) throws IOException {
    if (value instanceof Number n) {
      out.writeNumberField(name, n.doubleValue());
    } else if (value instanceof String s) {
      out.writeStringField(name, s);
    } else if (value instanceof List<?> items) {
      out.writeArrayFieldStart(name);
      for (Object item : items) {
        ScoredItem scored = (ScoredItem) item;
        out.writeStartObject();
        out.writeStringField("id", scored.id());
        out.writeNumberField("score", scored.score());
        out.writeEndObject();
      }
      out.writeEndArray();
    } else if (value != null) {
      throw new IllegalArgumentException("feature '" + name + "': unsupported value " + value);
    }
  }

  /** Decoded stored bytes: the vector and when it was written (for TTL). */
  record Stored(FeatureVector vector, long writtenAt) {}

  static Stored decode(FeatureView view, String key, byte[] bytes) {
    try {
      JsonNode root = JSON.readTree(bytes);
      Map<String, Object> values = new LinkedHashMap<>();
      root.get("values")
          .fields()
          .forEachRemaining(
              entry ->
                  values.put(entry.getKey(), readValue(view, entry.getKey(), entry.getValue())));
      return new Stored(
          new FeatureVector(view.name(), key, root.get("asOf").asLong(), values),
          root.get("writtenAt").asLong());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Object readValue(FeatureView view, String name, JsonNode node) {
    FeatureType type = view.feature(name).type();
    return switch (type) {
      case NUMBER -> node.doubleValue();
      case TEXT -> node.asText();
      case RANKED -> {
        List<ScoredItem> items = new ArrayList<>(node.size());
        for (JsonNode item : node) {
          items.add(new ScoredItem(item.get("id").asText(), item.get("score").doubleValue()));
        }
        yield items;
      }
    };
  }
}
