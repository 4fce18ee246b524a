package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodecsTest {
  private static final String IMPRESSION =
      "{\"eventId\":\"e1\",\"type\":\"impression\","
          + "\"userId\":\"u1\",\"productId\":\"p1\",\"contentId\":\"c1\",\"requestId\":\"r1\","
          + "\"position\":0,\"propensity\":0.25,\"timestamp\":1767571213428,"
          + "\"receivedAt\":1767571213500}";

  @Test
  void eventRoundTripsByteForByte() {
    Event event = Codecs.decodeLine(Codecs.EVENTS, IMPRESSION);
    assertThat(event.type()).isEqualTo(EventType.IMPRESSION);
    assertThat(event.propensity()).isEqualTo(0.25);
    assertThat(event.price()).isNull();
    assertThat(Codecs.encodeLine(Codecs.EVENTS, event)).isEqualTo(IMPRESSION);
  }

  @Test
  void unknownEventFieldsAreKeptAndWrittenBack() {
    String line = IMPRESSION.replace("}", ",\"utm\":{\"source\":\"newsletter\"},\"tags\":[1,2]}");
    Event event = Codecs.decodeLine(Codecs.EVENTS, line);
    assertThat(event.extra())
        .containsEntry("utm", Map.of("source", "newsletter"))
        .containsEntry("tags", List.of(1, 2));
    assertThat(Codecs.encodeLine(Codecs.EVENTS, event)).isEqualTo(line);
  }

  @ParameterizedTest(name = "{0} -> field {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"type\":\"click\",\"userId\":\"u1\",\"productId\":\"p\",\"timestamp\":5,\"receivedAt\":5}|eventId|is required",
        "{\"eventId\":\"e\",\"type\":\"view\",\"userId\":\"u1\",\"timestamp\":5,\"receivedAt\":5}|type|unknown event type",
        "{\"eventId\":\"e\",\"type\":\"click\",\"userId\":\"\",\"productId\":\"p\",\"timestamp\":5,\"receivedAt\":5}|userId|must not be blank",
        "{\"eventId\":\"e\",\"type\":\"click\",\"userId\":\"u\",\"productId\":\"p\",\"timestamp\":\"today\",\"receivedAt\":5}|timestamp|expected an integer",
        "{\"eventId\":\"e\",\"type\":\"click\",\"userId\":\"u\",\"productId\":\"p\",\"timestamp\":-1,\"receivedAt\":5}|timestamp|must be a positive",
        "{\"eventId\":\"e\",\"type\":\"purchase\",\"userId\":\"u\",\"productId\":\"p\",\"timestamp\":5,\"receivedAt\":5}|price|is required on a purchase",
        "{\"eventId\":\"e\",\"type\":\"purchase\",\"userId\":\"u\",\"productId\":\"p\",\"price\":-3,\"timestamp\":5,\"receivedAt\":5}|price|must be a finite number >= 0",
        "{\"eventId\":\"e\",\"type\":\"impression\",\"userId\":\"u\",\"contentId\":\"c\",\"requestId\":\"r\",\"propensity\":1.5,\"timestamp\":5,\"receivedAt\":5}|propensity|must be in (0, 1]",
        "{\"eventId\":\"e\",\"type\":\"impression\",\"userId\":\"u\",\"requestId\":\"r\",\"timestamp\":5,\"receivedAt\":5}|contentId|is required",
        "{\"eventId\":\"e\",\"type\":\"click\",\"userId\":\"u\",\"productId\":\"p\",\"position\":1.5,\"timestamp\":5,\"receivedAt\":5}|position|expected a 32-bit integer",
        "{\"eventId\":\"e\",\"type\":\"add_to_cart\",\"userId\":\"u\",\"productId\":\"p\",\"quantity\":0,\"timestamp\":5,\"receivedAt\":5}|quantity|must be >= 1",
        "{\"eventId\":\"e1\",\"type\":|line|malformed JSON",
        "[1,2]|line|expected a JSON object",
      })
  void badEventsNameTheFieldAndReason(String line, String field, String reason) {
    assertThatThrownBy(() -> Codecs.decodeLine(Codecs.EVENTS, line))
        .isInstanceOfSatisfying(
            InvalidRecordException.class,
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.reason()).contains(reason);
              assertThat(e.getMessage()).startsWith("field '" + field + "': ");
            });
  }

  @Test
  void everyRecordKindRoundTrips() {
    Product product =
        new Product(
            "p1",
            "Nordwave Classic Lamp A10",
            List.of("Home", "Decor"),
            "Nordwave",
            49.99,
            Map.of("colour", "sand"),
            "A lamp.",
            1_700_000_000_000L);
    User user = new User("u1", "EU", "mobile", 1_700_000_000_000L);
    ContentItem content =
        new ContentItem(
            "c1",
            ContentKind.BANNER_TEXT,
            "en-US",
            "Lamp days",
            "Shop now.",
            List.of("p1"),
            "all",
            "v1",
            "cmp-home",
            "simulator",
            "1",
            SafetyVerdict.APPROVED,
            1_700_000_000_000L);
    Campaign campaign =
        new Campaign(
            "cmp-home",
            "Home always-on",
            "conversion",
            List.of("Home"),
            "all",
            1_700_000_000_000L,
            1_800_000_000_000L,
            "exp-1",
            List.of("control", "treatment"));
    List<GroundTruth> truths =
        List.of(
            new GroundTruth.ImpressionTruth("e1", "r1", "c1", 0.031, 0.0042),
            new GroundTruth.UserTruth("u1", Map.of("Decor", 0.4), 1.2, "Nordwave", 0.5, 0.3),
            new GroundTruth.ProductTruth("p1", -0.2),
            new GroundTruth.ContentTruth("c1", 0.1));

    assertThat(roundTrip(Codecs.PRODUCTS, product)).isEqualTo(product);
    assertThat(roundTrip(Codecs.USERS, user)).isEqualTo(user);
    assertThat(roundTrip(Codecs.CONTENT, content)).isEqualTo(content);
    assertThat(roundTrip(Codecs.CAMPAIGNS, campaign)).isEqualTo(campaign);
    for (GroundTruth truth : truths) {
      assertThat(roundTrip(Codecs.TRUTH, truth)).isEqualTo(truth);
    }
  }

  @Test
  void otherContractsNameTheirFields() {
    assertThatThrownBy(
            () ->
                Codecs.decodeLine(
                    Codecs.PRODUCTS,
                    "{\"id\":\"p\",\"title\":\"t\",\"categoryPath\":[],\"brand\":\"b\",\"price\":1,\"listedAt\":5}"))
        .hasMessageStartingWith("field 'categoryPath'");
    assertThatThrownBy(
            () -> Codecs.decodeLine(Codecs.CONTENT, "{\"id\":\"c\",\"kind\":\"poster\"}"))
        .hasMessageStartingWith("field 'kind'")
        .hasMessageContaining("unknown content kind");
    assertThatThrownBy(
            () ->
                Codecs.decodeLine(
                    Codecs.TRUTH,
                    "{\"kind\":\"impression\",\"eventId\":\"e\",\"requestId\":\"r\",\"contentId\":\"c\","
                        + "\"pClick\":1.2,\"pPurchase\":0}"))
        .hasMessageStartingWith("field 'pClick'");
    assertThatThrownBy(
            () ->
                Codecs.decodeLine(
                    Codecs.USERS, "{\"id\":\"u\",\"region\":\"EU\",\"device\":7,\"joinedAt\":5}"))
        .hasMessageStartingWith("field 'device'")
        .hasMessageContaining("expected a string");
    assertThatThrownBy(() -> Codecs.byName("orders"))
        .hasMessageContaining("unknown record kind 'orders'");
  }

  private static <T> T roundTrip(RecordCodec<T> codec, T value) {
    return Codecs.decodeLine(codec, Codecs.encodeLine(codec, value));
  }
}
