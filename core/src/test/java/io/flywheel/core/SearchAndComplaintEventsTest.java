package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SearchAndComplaintEventsTest {

  @Test
  void aSearchCarriesItsQueryAndOlderLinesWithoutOneStillParse() {
    String line =
        "{\"eventId\":\"e1\",\"type\":\"search\",\"userId\":\"u1\",\"sessionId\":\"s1\","
            + "\"query\":\"navy dress\",\"timestamp\":5,\"receivedAt\":6}";
    Event search = Codecs.decodeLine(Codecs.EVENTS, line);
    assertThat(search.type()).isEqualTo(EventType.SEARCH);
    assertThat(search.query()).isEqualTo("navy dress");
    assertThat(search.extra()).isEmpty();
    assertThat(Codecs.encodeLine(Codecs.EVENTS, search)).isEqualTo(line);
    // Re-timed or re-received, a search keeps its query.
    assertThat(search.at(7, 8).query()).isEqualTo("navy dress");
    assertThat(search.at(7, 8).timestamp()).isEqualTo(7);
    assertThat(search.withReceivedAt(9).query()).isEqualTo("navy dress");
    Event click =
        Codecs.decodeLine(
            Codecs.EVENTS,
            "{\"eventId\":\"e\",\"type\":\"click\",\"userId\":\"u\",\"productId\":\"p\","
                + "\"timestamp\":5,\"receivedAt\":5}");
    assertThat(click.query()).isNull();
    assertThat(Codecs.encodeLine(Codecs.EVENTS, click)).doesNotContain("query");
  }

  @Test
  void aSearchNeedsAQueryAndAComplaintNeedsWhatItIsAbout() {
    assertThatThrownBy(
            () ->
                Codecs.decodeLine(
                    Codecs.EVENTS,
                    "{\"eventId\":\"e\",\"type\":\"search\",\"userId\":\"u\",\"timestamp\":5,"
                        + "\"receivedAt\":5}"))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("query");
    assertThatThrownBy(
            () ->
                Codecs.decodeLine(
                    Codecs.EVENTS,
                    "{\"eventId\":\"e\",\"type\":\"complaint\",\"userId\":\"u\",\"timestamp\":5,"
                        + "\"receivedAt\":5}"))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("contentId");
    Event complaint =
        Codecs.decodeLine(
            Codecs.EVENTS,
            "{\"eventId\":\"e\",\"type\":\"complaint\",\"userId\":\"u\",\"contentId\":\"c1\","
                + "\"requestId\":\"r1\",\"timestamp\":5,\"receivedAt\":5}");
    assertThat(complaint.isAttributed()).isFalse();
    assertThat(EventType.COMPLAINT.showsInterest()).isFalse();
    assertThat(EventType.SEARCH.showsInterest()).isFalse();
    assertThat(EventType.CLICK.showsInterest()).isTrue();
  }

  @Test
  void olderTruthWithoutAppealSegmentOrLocaleStillParses() {
    GroundTruth impression =
        Codecs.decodeLine(
            Codecs.TRUTH,
            "{\"kind\":\"impression\",\"eventId\":\"e1\",\"requestId\":\"r1\","
                + "\"contentId\":\"c1\",\"pClick\":0.03,\"pPurchase\":0.001}");
    assertThat(((GroundTruth.ImpressionTruth) impression).appeal()).isNull();
    GroundTruth user =
        Codecs.decodeLine(
            Codecs.TRUTH,
            "{\"kind\":\"user\",\"userId\":\"u1\",\"categoryAffinity\":{},"
                + "\"priceSensitivity\":1.0,\"favouriteBrand\":\"B\",\"brandLoyalty\":0.5,"
                + "\"activity\":0.2}");
    assertThat(((GroundTruth.UserTruth) user).segment()).isNull();
  }
}
