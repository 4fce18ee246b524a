package io.flywheel.registry;

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

  private ProtoJson() {}

  static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
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
