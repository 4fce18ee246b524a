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
    kryo.register(FeatureVector.class, new CompactKryoSerializers.FeatureVectors());
    kryo.register(ExamplePart.class, new CompactKryoSerializers.ExampleParts());
    return kryo;
  }

  @Test
  void eventsKeepEveryFieldNullsAndUnknownFields() {
    Event full =
        new Event(
            "e1",
            EventType.PURCHASE,
            "u1",
            "p1",
            "c1",
            "r1",
            "s1",
            2,
            null,
            "cmp",
            "exp-1",
            "treatment",
            "v2",
            19.99,
            3,
            1_767_571_200_000L,
            1_767_571_200_500L,
            Map.of("utm", Map.of("source", "mail"), "tags", List.of(1, 2)));
    Event sparse =
        new Event(
            "e2",
            EventType.IMPRESSION,
            "u2",
            null,
            "c2",
            "r2",
            null,
            null,
            0.25,
            null,
            null,
            null,
            null,
            null,
            null,
            5,
            6,
            null);
    assertThat(roundTrip(kryo(), full, Event.class)).isEqualTo(full);
    assertThat(roundTrip(kryo(), sparse, Event.class)).isEqualTo(sparse);
  }

  @Test
  void recordsWithImmutableCollectionsRoundTrip() {
    FeatureVector vector =
        new FeatureVector(
            "product_covisit", "p1", 42, Map.of("neighbours", List.of(new ScoredItem("p2", 3.0))));
    assertThat(roundTrip(kryo(), vector, FeatureVector.class)).isEqualTo(vector);
  }

  @Test
  void featureVectorsTravelWithoutNamesAndKeepTypesAndAbsentValues() {
    FeatureVector sparse =
        new FeatureVector(
            "user_category_affinity",
            "u1",
            7,
            Map.of("category_1", "shoes", "click_weight_1", 0.5));
    FeatureVector counts =
        new FeatureVector("content_stats", "c1", 8, Map.of("impressions", 12.0, "clicks", 3.0));
    assertThat(roundTrip(kryo(), sparse, FeatureVector.class)).isEqualTo(sparse);
    assertThat(roundTrip(kryo(), counts, FeatureVector.class)).isEqualTo(counts);
    Output named = new Output(256, -1);
    new Kryo().writeClassAndObject(named, new java.util.LinkedHashMap<>(counts.values()));
    Output compact = new Output(256, -1);
    kryo().writeObject(compact, counts);
    assertThat(compact.total()).isLessThan(named.total());
  }

  @Test
  void aFeatureTheViewDoesNotDeclareIsRefusedNotDropped() {
    FeatureVector odd = new FeatureVector("content_stats", "c1", 8, Map.of("colour", 1.0));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> roundTrip(kryo(), odd, FeatureVector.class))
        .hasMessageContaining("does not declare")
        .hasMessageContaining("colour");
  }

  @Test
  void examplePartsKeepOnlyTheirColumns() {
    Object[] features = ExampleColumns.empty();
    features[0] = 4.0;
    features[features.length - 1] = "shoes";
    ExamplePart part = new ExamplePart("r1/c1", features, false);
    ExamplePart back = roundTrip(kryo(), part, ExamplePart.class);
    assertThat(back.slot()).isEqualTo("r1/c1");
    assertThat(back.behindWatermark()).isFalse();
    assertThat(back.features()).containsExactly(features);
    ExamplePart late = new ExamplePart("r2/c2", ExampleColumns.empty(), true);
    assertThat(roundTrip(kryo(), late, ExamplePart.class).behindWatermark()).isTrue();
  }
}
