package io.flywheel.flink;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureSpec;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.FeatureView;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kryo serializers for what crosses operators most often: feature vectors (several per event) and
 * example parts (four per impression). Feature names are not written: a vector's values go in its
 * view's declared order and a part's as (column, value) pairs, each value behind a one-byte tag.
 * The generic record serializer wrote every name and class with every value.
 */
public final class CompactKryoSerializers {
  private static final byte NULL = 0;
  private static final byte DOUBLE = 1;
  private static final byte LONG = 2;
  private static final byte STRING = 3;
  private static final byte OTHER = 4;
  private static final FeatureRegistry REGISTRY = FeatureRegistry.builtIn();

  private CompactKryoSerializers() {}

  static void writeValue(Kryo kryo, Output output, Object value) {
    if (value == null) {
      output.writeByte(NULL);
    } else if (value instanceof Double d) {
      output.writeByte(DOUBLE);
      output.writeDouble(d);
    } else if (value instanceof Long l) {
      output.writeByte(LONG);
      output.writeVarLong(l, false);
    } else if (value instanceof String s) {
      output.writeByte(STRING);
      output.writeString(s);
    } else {
      output.writeByte(OTHER);
      kryo.writeClassAndObject(output, RecordKryoSerializer.portable(value));
    }
  }

  static Object readValue(Kryo kryo, Input input) {
    byte tag = input.readByte();
    return switch (tag) {
      case NULL -> null;
      case DOUBLE -> input.readDouble();
      case LONG -> input.readVarLong(false);
      case STRING -> input.readString();
      case OTHER -> kryo.readClassAndObject(input);
      default -> throw new IllegalStateException("unknown value tag " + tag);
    };
  }

  /** A vector of a registered view: view, key, as-of, then its values in declared order. */
  public static final class FeatureVectors extends Serializer<FeatureVector>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void write(Kryo kryo, Output output, FeatureVector vector) {
      FeatureView view = REGISTRY.view(vector.view());
      List<FeatureSpec> features = view.features();
      output.writeString(vector.view());
      output.writeString(vector.key());
      output.writeLong(vector.asOf());
      int written = 0;
      for (FeatureSpec feature : features) {
        Object value = vector.values().get(feature.name());
        if (value != null) {
          written++;
        }
        writeValue(kryo, output, value);
      }
      if (written != vector.values().size()) {
        throw new IllegalStateException(
            "feature vector of "
                + vector.view()
                + " holds features its view does not declare: "
                + vector.values().keySet());
      }
    }

    @Override
    public FeatureVector read(Kryo kryo, Input input, Class<FeatureVector> type) {
      String viewName = input.readString();
      String key = input.readString();
      long asOf = input.readLong();
      Map<String, Object> values = new LinkedHashMap<>();
      for (FeatureSpec feature : REGISTRY.view(viewName).features()) {
        Object value = readValue(kryo, input);
        if (value != null) {
          values.put(feature.name(), value);
        }
      }
      return new FeatureVector(viewName, key, asOf, values);
    }

    @Override
    public FeatureVector copy(Kryo kryo, FeatureVector original) {
      return original; // immutable
    }
  }

  /** An example part: its slot, the flag, then only the columns that hold a value. */
  public static final class ExampleParts extends Serializer<ExamplePart> implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void write(Kryo kryo, Output output, ExamplePart part) {
      output.writeString(part.slot());
      output.writeBoolean(part.behindWatermark());
      Object[] features = part.features();
      int present = 0;
      for (Object value : features) {
        if (value != null) {
          present++;
        }
      }
      output.writeVarInt(present, true);
      for (int i = 0; i < features.length; i++) {
        if (features[i] != null) {
          output.writeVarInt(i, true);
          writeValue(kryo, output, features[i]);
        }
      }
    }

    @Override
    public ExamplePart read(Kryo kryo, Input input, Class<ExamplePart> type) {
      String slot = input.readString();
      boolean behind = input.readBoolean();
      Object[] features = ExampleColumns.empty();
      int present = input.readVarInt(true);
      for (int n = 0; n < present; n++) {
        features[input.readVarInt(true)] = readValue(kryo, input);
      }
      return new ExamplePart(slot, features, behind);
    }

    @Override
    public ExamplePart copy(Kryo kryo, ExamplePart original) {
      return original; // not changed once built
    }
  }
}
