package io.flywheel.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Reads and writes one kind of record as a JSON object. Decoding validates the data contract and
 * throws {@link InvalidRecordException} naming the field; encoding writes fields in a fixed order
 * and leaves absent optional fields out, so equal records give equal bytes.
 */
public interface RecordCodec<T> {

  /** The record kind, as the CLI names it ({@code events}, {@code products}, ...). */
  String name();

  T decode(JsonNode node);

  void encode(T value, JsonGenerator out) throws IOException;
}
