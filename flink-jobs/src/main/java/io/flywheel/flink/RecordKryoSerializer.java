package io.flywheel.flink;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kryo serializer for Java records, which Flink's Kryo (2.24) cannot build field by field: a record
 * is written as its components and rebuilt through its canonical constructor (so its validation
 * runs again). Immutable maps and lists inside are written as plain LinkedHashMap and ArrayList,
 * which Kryo can instantiate; the record's constructor makes them immutable again.
 */
public final class RecordKryoSerializer extends Serializer<Record> implements Serializable {
  private static final long serialVersionUID = 1L;

  private record Shape(Method[] accessors, Constructor<?> constructor) {}

  private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

  private static Shape shape(Class<?> type) {
    return SHAPES.computeIfAbsent(
        type,
        t -> {
          RecordComponent[] components = t.getRecordComponents();
          Method[] accessors = new Method[components.length];
          Class<?>[] types = new Class<?>[components.length];
          for (int i = 0; i < components.length; i++) {
            accessors[i] = components[i].getAccessor();
            accessors[i].setAccessible(true);
            types[i] = components[i].getType();
          }
          try {
            Constructor<?> constructor = t.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return new Shape(accessors, constructor);
          } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + t + " has no canonical constructor", e);
          }
        });
  }

  @Override
  public void write(Kryo kryo, Output output, Record record) {
    Shape shape = shape(record.getClass());
    try {
      for (Method accessor : shape.accessors()) {
        kryo.writeClassAndObject(output, portable(accessor.invoke(record)));
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot serialize " + record.getClass(), e);
    }
  }

  @Override
  public Record read(Kryo kryo, Input input, Class<Record> type) {
    Shape shape = shape(type);
    Object[] args = new Object[shape.accessors().length];
    for (int i = 0; i < args.length; i++) {
      args[i] = kryo.readClassAndObject(input);
    }
    try {
      return (Record) shape.constructor().newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot rebuild " + type, e);
    }
  }

  @Override
  public Record copy(Kryo kryo, Record original) {
    return original; // records are immutable
  }

  static Object portable(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>(map.size() * 2);
      map.forEach((k, v) -> copy.put(k, portable(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(portable(v)));
      return copy;
    }
    return value;
  }
}
