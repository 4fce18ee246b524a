package io.flywheel.flink;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Field-by-field Kryo serializer for {@link Event}, the record every operator handles: no
 * reflection and no class tags for its fields (the generic record serializer was a top cost).
 */
public final class EventKryoSerializer extends Serializer<Event> implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final EventType[] TYPES = EventType.values();

  @Override
  public void write(Kryo kryo, Output out, Event e) {
    out.writeString(e.eventId());
    out.writeByte(e.type().ordinal());
    out.writeString(e.userId());
    out.writeString(e.productId());
    out.writeString(e.contentId());
    out.writeString(e.requestId());
    out.writeString(e.sessionId());
    writeInt(out, e.position());
    writeDouble(out, e.propensity());
    out.writeString(e.campaignId());
    out.writeString(e.experimentId());
    out.writeString(e.arm());
    out.writeString(e.variantId());
    writeDouble(out, e.price());
    writeInt(out, e.quantity());
    out.writeString(e.query());
    out.writeLong(e.timestamp());
    out.writeLong(e.receivedAt());
    out.writeInt(e.extra().size(), true);
    for (Map.Entry<String, Object> entry : e.extra().entrySet()) {
      out.writeString(entry.getKey());
      kryo.writeClassAndObject(out, RecordKryoSerializer.portable(entry.getValue()));
    }
  }

  @Override
  public Event read(Kryo kryo, Input in, Class<Event> type) {
    String eventId = in.readString();
    EventType eventType = TYPES[in.readByte()];
    String userId = in.readString();
    String productId = in.readString();
    String contentId = in.readString();
    String requestId = in.readString();
    String sessionId = in.readString();
    Integer position = readInt(in);
    Double propensity = readDouble(in);
    String campaignId = in.readString();
    String experimentId = in.readString();
    String arm = in.readString();
    String variantId = in.readString();
    Double price = readDouble(in);
    Integer quantity = readInt(in);
    String query = in.readString();
    long timestamp = in.readLong();
    long receivedAt = in.readLong();
    int extras = in.readInt(true);
    Map<String, Object> extra = new LinkedHashMap<>();
    for (int i = 0; i < extras; i++) {
      extra.put(in.readString(), kryo.readClassAndObject(in));
    }
    return new Event(
        eventId,
        eventType,
        userId,
        productId,
        contentId,
        requestId,
        sessionId,
        position,
        propensity,
        campaignId,
        experimentId,
        arm,
        variantId,
        price,
        quantity,
        query,
        timestamp,
        receivedAt,
        extra);
  }

  @Override
  public Event copy(Kryo kryo, Event original) {
    return original; // immutable
  }

  private static void writeInt(Output out, Integer value) {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeInt(value, true);
    }
  }

  private static Integer readInt(Input in) {
    return in.readBoolean() ? in.readInt(true) : null;
  }

  private static void writeDouble(Output out, Double value) {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeDouble(value);
    }
  }

  private static Double readDouble(Input in) {
    return in.readBoolean() ? in.readDouble() : null;
  }
}
