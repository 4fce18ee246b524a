package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.ScoredItem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The serializers Flink uses for Flywheel's records round-trip them exactly. */
class KryoSerializersTest {

  private static <T> T roundTrip(Kryo kryo, T value, Class<T> type) {
    Output out = new Output(256, -1);
    kryo.writeObject(out, value);
    return kryo.readObject(new Input(out.toBytes()), type);
  }

  private static Kryo kryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(false);
    kryo.register(Event.class, new EventKryoSerializer());
    kryo.addDefaultSerializer(Record.class, new RecordKryoSerializer());
    return kryo;
  }

  @Test
  void eventsKeepEveryFieldNullsAndUnknownFields() {
    Event full = new Event("e1", EventType.PURCHASE, "u1", "p1", "c1", "r1", "s1", 2, null,
        "cmp", "exp-1", "treatment", "v2", 19.99, 3, 1_767_571_200_000L, 1_767_571_200_500L,
        Map.of("utm", Map.of("source", "mail"), "tags", List.of(1, 2)));
    Event sparse = new Event("e2", EventType.IMPRESSION, "u2", null, "c2", "r2", null, null,
        0.25, null, null, null, null, null, null, 5, 6, null);
    assertThat(roundTrip(kryo(), full, Event.class)).isEqualTo(full);
    assertThat(roundTrip(kryo(), sparse, Event.class)).isEqualTo(sparse);
  }

  @Test
  void recordsWithImmutableCollectionsRoundTrip() {
    FeatureVector vector = new FeatureVector("product_covisit", "p1", 42,
        Map.of("neighbours", List.of(new ScoredItem("p2", 3.0))));
    assertThat(roundTrip(kryo(), vector, FeatureVector.class)).isEqualTo(vector);
  }
}
