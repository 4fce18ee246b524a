package io.flywheel.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Typed, validating access to one JSON object; every failure names the field. */
final class JsonFields {
  private final JsonNode node;

  JsonFields(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new InvalidRecordException("line",
          "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    this.node = node;
  }

  private JsonNode present(String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value;
  }

  String text(String field) {
    String value = optionalText(field);
    if (value == null) {
      throw new InvalidRecordException(field, "is required");
    }
    return value;
  }

  String optionalText(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidRecordException(field, "expected a string, got " + describe(value));
    }
    return value.textValue();
  }

  long longValue(String field) {
    Long value = optionalLong(field);
    if (value == null) {
      throw new InvalidRecordException(field, "is required");
    }
    return value;
  }

  Long optionalLong(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new InvalidRecordException(field, "expected an integer, got " + describe(value));
    }
    return value.longValue();
  }

  Integer optionalInt(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new InvalidRecordException(field, "expected a 32-bit integer, got " + describe(value));
    }
    return value.intValue();
  }

  double doubleValue(String field) {
    Double value = optionalDouble(field);
    if (value == null) {
      throw new InvalidRecordException(field, "is required");
    }
    return value;
  }

  Double optionalDouble(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return null;
    }
    if (!value.isNumber()) {
      throw new InvalidRecordException(field, "expected a number, got " + describe(value));
    }
    return value.doubleValue();
  }

  List<String> textList(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new InvalidRecordException(field, "expected an array of strings, got " + describe(value));
    }
    List<String> out = new ArrayList<>(value.size());
    for (JsonNode element : value) {
      if (!element.isTextual()) {
        throw new InvalidRecordException(field,
            "expected an array of strings, found " + describe(element));
      }
      out.add(element.textValue());
    }
    return out;
  }

  Map<String, String> textMap(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return Map.of();
    }
    if (!value.isObject()) {
      throw new InvalidRecordException(field, "expected an object of strings, got " + describe(value));
    }
    Map<String, String> out = new LinkedHashMap<>();
    value.fields().forEachRemaining(entry -> {
      if (!entry.getValue().isTextual()) {
        throw new InvalidRecordException(field + "." + entry.getKey(),
            "expected a string, got " + describe(entry.getValue()));
      }
      out.put(entry.getKey(), entry.getValue().textValue());
    });
    return out;
  }

  Map<String, Double> doubleMap(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return Map.of();
    }
    if (!value.isObject()) {
      throw new InvalidRecordException(field, "expected an object of numbers, got " + describe(value));
    }
    Map<String, Double> out = new LinkedHashMap<>();
    value.fields().forEachRemaining(entry -> {
      if (!entry.getValue().isNumber()) {
        throw new InvalidRecordException(field + "." + entry.getKey(),
            "expected a number, got " + describe(entry.getValue()));
      }
      out.put(entry.getKey(), entry.getValue().doubleValue());
    });
    return out;
  }

  private static String describe(JsonNode value) {
    String text = value.toString();
    if (text.length() > 40) {
      text = text.substring(0, 37) + "...";
    }
    return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + text;
  }
}
