package io.flywheel.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mlflow_project.google.protobuf.Descriptors;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.MessageOrBuilder;
import org.mlflow_project.google.protobuf.util.JsonFormat;

/**
 * JSON in and out of MLflow's generated classes, with the same shaded protobuf and the same
 * settings (proto field names, unknown fields ignored) as {@code mlflow-client}.
 */
final class ProtoJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProtoJson() {}

  /**
   * The message as MLflow's server writes it: proto field names, and 64-bit integers (timestamps,
   * steps, file sizes) as JSON numbers, where protobuf's JSON mapping would write strings.
   */
  static String print(MessageOrBuilder message) {
    try {
      JsonNode tree = JSON.readTree(PRINTER.print(message));
      numbersFor64BitFields(tree, message.getDescriptorForType());
      return JSON.writeValueAsString(tree);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  private static void numbersFor64BitFields(JsonNode node, Descriptors.Descriptor type) {
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    for (Descriptors.FieldDescriptor field : type.getFields()) {
      JsonNode value = object.get(field.getName());
      if (value == null) {
        continue;
      }
      if (field.getJavaType() == Descriptors.FieldDescriptor.JavaType.LONG) {
        if (value instanceof ArrayNode array) {
          for (int i = 0; i < array.size(); i++) {
            array.set(i, number(array.get(i)));
          }
        } else {
          object.set(field.getName(), number(value));
        }
      } else if (field.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE) {
        if (value instanceof ArrayNode array) {
          array.forEach(element -> numbersFor64BitFields(element, field.getMessageType()));
        } else {
          numbersFor64BitFields(value, field.getMessageType());
        }
      }
    }
  }

  private static JsonNode number(JsonNode value) {
    return value.isTextual() ? LongNode.valueOf(Long.parseLong(value.asText())) : value;
  }

  static <B extends Message.Builder> B parse(String json, B builder) {
    try {
      PARSER.merge(json == null || json.isBlank() ? "{}" : json, builder);
      return builder;
    } catch (InvalidProtocolBufferException e) {
      throw MlflowError.invalid(
          "body",
          "not a valid "
              + builder.getDescriptorForType().getName()
              + " request: "
              + e.getMessage());
    }
  }
}
