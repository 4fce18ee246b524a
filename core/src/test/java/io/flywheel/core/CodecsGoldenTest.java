package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Jackson-bound codecs against the hand-written ones they replaced (commit 1e51466): every
 * expected string here, and in {@code codecs-golden.txt}, is what the old code wrote or said.
 */
class CodecsGoldenTest {
  private static final long T = 1_767_571_213_428L;

  @TempDir Path dir;

  static Stream<Arguments> written() {
    return Stream.of(
        written(
            Codecs.EVENTS,
            new Event(
                "e1",
                EventType.IMPRESSION,
                "u1",
                "p1",
                "c1",
                "r1",
                "s1",
                0,
                0.003484320557491289,
                "cmp-home",
                "exp-1",
                "treatment",
                "v3",
                null,
                null,
                T,
                T + 1122,
                null),
            "{\"eventId\":\"e1\",\"type\":\"impression\",\"userId\":\"u1\","
                + "\"productId\":\"p1\",\"contentId\":\"c1\",\"requestId\":\"r1\","
                + "\"sessionId\":\"s1\",\"position\":0,\"propensity\":0.003484320557491289,"
                + "\"campaignId\":\"cmp-home\",\"experimentId\":\"exp-1\",\"arm\":\"treatment\","
                + "\"variantId\":\"v3\",\"timestamp\":1767571213428,\"receivedAt\":1767571214550}"),
        written(
            Codecs.EVENTS,
            new Event(
                "e2",
                EventType.CLICK,
                "u1",
                null,
                "c1",
                "r1",
                null,
                3,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                T,
                T,
                Map.of()),
            "{\"eventId\":\"e2\",\"type\":\"click\",\"userId\":\"u1\",\"contentId\":\"c1\","
                + "\"requestId\":\"r1\",\"position\":3,\"timestamp\":1767571213428,"
                + "\"receivedAt\":1767571213428}"),
        written(
            Codecs.EVENTS,
            new Event(
                "e3",
                EventType.ADD_TO_CART,
                "u\u00e9",
                "p1",
                null,
                null,
                "s1",
                null,
                null,
                null,
                null,
                null,
                null,
                0.0,
                1,
                T,
                T,
                null),
            "{\"eventId\":\"e3\",\"type\":\"add_to_cart\",\"userId\":\"u\u00e9\","
                + "\"productId\":\"p1\",\"sessionId\":\"s1\",\"price\":0.0,\"quantity\":1,"
                + "\"timestamp\":1767571213428,\"receivedAt\":1767571213428}"),
        written(
            Codecs.EVENTS,
            new Event(
                "e4",
                EventType.PURCHASE,
                "u1",
                "p1",
                "c1",
                "r1",
                "s1",
                2,
                1.0,
                "cmp-home",
                "exp-1",
                "control",
                "v1",
                19.99,
                2,
                T,
                T + 86_400_000L,
                null),
            "{\"eventId\":\"e4\",\"type\":\"purchase\",\"userId\":\"u1\","
                + "\"productId\":\"p1\",\"contentId\":\"c1\",\"requestId\":\"r1\","
                + "\"sessionId\":\"s1\",\"position\":2,\"propensity\":1.0,"
                + "\"campaignId\":\"cmp-home\",\"experimentId\":\"exp-1\",\"arm\":\"control\","
                + "\"variantId\":\"v1\",\"price\":19.99,\"quantity\":2,"
                + "\"timestamp\":1767571213428,\"receivedAt\":1767657613428}"),
        written(
            Codecs.EVENTS,
            new Event(
                "e5",
                EventType.PURCHASE,
                "u1",
                "p9",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                1.0E21,
                2147483647,
                1L,
                Long.MAX_VALUE,
                unknownFields()),
            "{\"eventId\":\"e5\",\"type\":\"purchase\",\"userId\":\"u1\","
                + "\"productId\":\"p9\",\"price\":1.0E21,\"quantity\":2147483647,\"timestamp\":1,"
                + "\"receivedAt\":9223372036854775807,\"utm\":{\"source\":\"newsletter\","
                + "\"medium\":null},\"tags\":[1,2.5,\"x\",true],"
                + "\"note\":\"caf\u00e9 \\\"quoted\\\"\\n\\ttab \u2028 \\u0001\","
                + "\"big\":12345678901234,\"none\":null,\"flag\":false,\"ratio\":1.0E-7}"),
        written(
            Codecs.EVENTS,
            new Event(
                "e6",
                EventType.PURCHASE,
                "u1",
                "p9",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                0.30000000000000004,
                null,
                T,
                T,
                null),
            "{\"eventId\":\"e6\",\"type\":\"purchase\",\"userId\":\"u1\","
                + "\"productId\":\"p9\",\"price\":0.30000000000000004,"
                + "\"timestamp\":1767571213428,\"receivedAt\":1767571213428}"),
        written(
            Codecs.EVENTS,
            new Event(
                "e7",
                EventType.IMPRESSION,
                "u1",
                null,
                "c1",
                "r1",
                null,
                0,
                4.9E-324,
                null,
                null,
                null,
                null,
                100.0,
                null,
                T,
                T,
                Map.of("extra", Map.of("a", 1))),
            "{\"eventId\":\"e7\",\"type\":\"impression\",\"userId\":\"u1\","
                + "\"contentId\":\"c1\",\"requestId\":\"r1\",\"position\":0,"
                + "\"propensity\":4.9E-324,\"price\":100.0,\"timestamp\":1767571213428,"
                + "\"receivedAt\":1767571213428,\"extra\":{\"a\":1}}"),
        written(
            Codecs.PRODUCTS,
            new Product(
                "p1",
                "Nordwave Classic Lamp A10",
                List.of("Home", "Decor"),
                "Nordwave",
                49.99,
                attributes(),
                "A lamp.\nWith \"quotes\".",
                1_700_000_000_000L),
            "{\"id\":\"p1\",\"title\":\"Nordwave Classic Lamp A10\","
                + "\"categoryPath\":[\"Home\",\"Decor\"],\"brand\":\"Nordwave\",\"price\":49.99,"
                + "\"attributes\":{\"colour\":\"sand\",\"material\":\"linen & oak\","
                + "\"size\":\"\"},\"description\":\"A lamp.\\nWith \\\"quotes\\\".\","
                + "\"listedAt\":1700000000000}"),
        written(
            Codecs.PRODUCTS,
            new Product(
                "p2",
                "Plain",
                List.of("Books", "Fiction", "Crime"),
                "Inkwell",
                0.0,
                null,
                null,
                1L),
            "{\"id\":\"p2\",\"title\":\"Plain\",\"categoryPath\":[\"Books\",\"Fiction\","
                + "\"Crime\"],\"brand\":\"Inkwell\",\"price\":0.0,\"attributes\":{},"
                + "\"description\":\"\",\"listedAt\":1}"),
        written(
            Codecs.PRODUCTS,
            new Product(
                "p3", "Big", List.of("Home"), "B", 1234567.125, Map.of(), "", Long.MAX_VALUE),
            "{\"id\":\"p3\",\"title\":\"Big\",\"categoryPath\":[\"Home\"],\"brand\":\"B\","
                + "\"price\":1234567.125,\"attributes\":{},\"description\":\"\","
                + "\"listedAt\":9223372036854775807}"),
        written(
            Codecs.USERS,
            new User("u1", "EU", "mobile", 1_700_000_000_000L),
            "{\"id\":\"u1\",\"region\":\"EU\",\"device\":\"mobile\","
                + "\"joinedAt\":1700000000000}"),
        written(
            Codecs.USERS,
            new User("u\u00e9\u4e2d", "APAC", "desktop", 1L),
            "{\"id\":\"u\u00e9\u4e2d\",\"region\":\"APAC\",\"device\":\"desktop\","
                + "\"joinedAt\":1}"),
        written(
            Codecs.CONTENT,
            new ContentItem(
                "c1",
                ContentKind.BANNER_TEXT,
                "en-US",
                "Lamp days",
                "Shop now.",
                List.of("p1", "p2"),
                "all",
                "v1",
                "cmp-home",
                "simulator",
                "1",
                SafetyVerdict.APPROVED,
                1_700_000_000_000L),
            "{\"id\":\"c1\",\"kind\":\"banner_text\",\"locale\":\"en-US\","
                + "\"title\":\"Lamp days\",\"body\":\"Shop now.\",\"productIds\":[\"p1\",\"p2\"],"
                + "\"targetSegment\":\"all\",\"variantId\":\"v1\",\"campaignId\":\"cmp-home\","
                + "\"generator\":\"simulator\",\"generatorVersion\":\"1\","
                + "\"safetyVerdict\":\"approved\",\"createdAt\":1700000000000}"),
        written(
            Codecs.CONTENT,
            new ContentItem(
                "c2",
                ContentKind.PRODUCT_DESCRIPTION,
                "de-DE",
                "T",
                "B",
                null,
                null,
                "v2",
                null,
                "llm",
                "2025-01",
                SafetyVerdict.PENDING,
                5L),
            "{\"id\":\"c2\",\"kind\":\"product_description\",\"locale\":\"de-DE\","
                + "\"title\":\"T\",\"body\":\"B\",\"productIds\":[],\"targetSegment\":\"all\","
                + "\"variantId\":\"v2\",\"generator\":\"llm\",\"generatorVersion\":\"2025-01\","
                + "\"safetyVerdict\":\"pending\",\"createdAt\":5}"),
        written(
            Codecs.CONTENT,
            new ContentItem(
                "c3",
                ContentKind.ARTICLE,
                "en",
                "T",
                "B",
                List.of(),
                "vip",
                "v3",
                null,
                "g",
                "1",
                SafetyVerdict.REJECTED,
                5L),
            "{\"id\":\"c3\",\"kind\":\"article\",\"locale\":\"en\",\"title\":\"T\","
                + "\"body\":\"B\",\"productIds\":[],\"targetSegment\":\"vip\","
                + "\"variantId\":\"v3\",\"generator\":\"g\",\"generatorVersion\":\"1\","
                + "\"safetyVerdict\":\"rejected\",\"createdAt\":5}"),
        written(
            Codecs.CONTENT,
            new ContentItem(
                "c4",
                ContentKind.AD_COPY,
                "en",
                "T",
                "B",
                List.of("p"),
                "all",
                "v4",
                "cmp",
                "g",
                "1",
                SafetyVerdict.APPROVED,
                5L),
            "{\"id\":\"c4\",\"kind\":\"ad_copy\",\"locale\":\"en\",\"title\":\"T\","
                + "\"body\":\"B\",\"productIds\":[\"p\"],\"targetSegment\":\"all\","
                + "\"variantId\":\"v4\",\"campaignId\":\"cmp\",\"generator\":\"g\","
                + "\"generatorVersion\":\"1\",\"safetyVerdict\":\"approved\",\"createdAt\":5}"),
        written(
            Codecs.CONTENT,
            new ContentItem(
                "c5",
                ContentKind.EMAIL,
                "en",
                "T",
                "B",
                List.of("p"),
                "all",
                "v5",
                "cmp",
                "g",
                "1",
                SafetyVerdict.APPROVED,
                5L),
            "{\"id\":\"c5\",\"kind\":\"email\",\"locale\":\"en\",\"title\":\"T\","
                + "\"body\":\"B\",\"productIds\":[\"p\"],\"targetSegment\":\"all\","
                + "\"variantId\":\"v5\",\"campaignId\":\"cmp\",\"generator\":\"g\","
                + "\"generatorVersion\":\"1\",\"safetyVerdict\":\"approved\",\"createdAt\":5}"),
        written(
            Codecs.CONTENT,
            new ContentItem(
                "c6",
                ContentKind.SEO_DESCRIPTION,
                "zh-CN",
                "\u4fdd\u6e29\u676f",
                "B",
                List.of("p"),
                "returning",
                "v6",
                "cmp",
                "templates",
                "1",
                SafetyVerdict.NEEDS_REVIEW,
                5L,
                MessageAngle.SOCIAL_PROOF),
            "{\"id\":\"c6\",\"kind\":\"seo_description\",\"locale\":\"zh-CN\","
                + "\"title\":\"\u4fdd\u6e29\u676f\",\"body\":\"B\",\"productIds\":[\"p\"],"
                + "\"targetSegment\":\"returning\",\"variantId\":\"v6\",\"campaignId\":\"cmp\","
                + "\"generator\":\"templates\",\"generatorVersion\":\"1\","
                + "\"safetyVerdict\":\"needs_review\",\"createdAt\":5,\"angle\":\"social_proof\"}"),
        written(
            Codecs.CAMPAIGNS,
            new Campaign(
                "cmp-home",
                "Home always-on",
                "conversion",
                List.of("Home", "Decor"),
                "all",
                1_700_000_000_000L,
                1_800_000_000_000L,
                "exp-1",
                List.of("control", "treatment")),
            "{\"id\":\"cmp-home\",\"name\":\"Home always-on\",\"objective\":\"conversion\","
                + "\"categoryPath\":[\"Home\",\"Decor\"],\"targetSegment\":\"all\","
                + "\"startsAt\":1700000000000,\"endsAt\":1800000000000,"
                + "\"experimentId\":\"exp-1\",\"arms\":[\"control\",\"treatment\"]}"),
        written(
            Codecs.CAMPAIGNS,
            new Campaign("cmp-2", "Plain", "awareness", null, null, 1L, 2L, null, null),
            "{\"id\":\"cmp-2\",\"name\":\"Plain\",\"objective\":\"awareness\","
                + "\"categoryPath\":[],\"targetSegment\":\"all\",\"startsAt\":1,\"endsAt\":2,"
                + "\"arms\":[]}"),
        written(
            Codecs.TRUTH,
            new GroundTruth.ImpressionTruth("e1", "r1", "c1", 0.031, 0.0042),
            "{\"kind\":\"impression\",\"eventId\":\"e1\",\"requestId\":\"r1\","
                + "\"contentId\":\"c1\",\"pClick\":0.031,\"pPurchase\":0.0042}"),
        written(
            Codecs.TRUTH,
            new GroundTruth.ImpressionTruth("e2", "r1", "c2", 0.0, 1.0),
            "{\"kind\":\"impression\",\"eventId\":\"e2\",\"requestId\":\"r1\","
                + "\"contentId\":\"c2\",\"pClick\":0.0,\"pPurchase\":1.0}"),
        written(
            Codecs.TRUTH,
            new GroundTruth.ImpressionTruth("e3", "r1", "c3", 1.0E-9, 4.2E-4),
            "{\"kind\":\"impression\",\"eventId\":\"e3\",\"requestId\":\"r1\","
                + "\"contentId\":\"c3\",\"pClick\":1.0E-9,\"pPurchase\":4.2E-4}"),
        written(
            Codecs.TRUTH,
            new GroundTruth.UserTruth("u1", affinities(), 0.562918, "Aurix", 0.117178, 0.120736),
            "{\"kind\":\"user\",\"userId\":\"u1\","
                + "\"categoryAffinity\":{\"Phones\":0.049099,\"Audio\":0.00266,\"Kitchen\":1.0},"
                + "\"priceSensitivity\":0.562918,\"favouriteBrand\":\"Aurix\","
                + "\"brandLoyalty\":0.117178,\"activity\":0.120736}"),
        written(
            Codecs.TRUTH,
            new GroundTruth.UserTruth("u2", Map.of(), 2.0, "B", 0.0, 12.5),
            "{\"kind\":\"user\",\"userId\":\"u2\",\"categoryAffinity\":{},"
                + "\"priceSensitivity\":2.0,\"favouriteBrand\":\"B\",\"brandLoyalty\":0.0,"
                + "\"activity\":12.5}"),
        written(
            Codecs.TRUTH,
            new GroundTruth.ProductTruth("p1", -0.2),
            "{\"kind\":\"product\",\"productId\":\"p1\",\"quality\":-0.2}"),
        written(
            Codecs.TRUTH,
            new GroundTruth.ProductTruth("p2", 3.0),
            "{\"kind\":\"product\",\"productId\":\"p2\",\"quality\":3.0}"),
        written(
            Codecs.TRUTH,
            new GroundTruth.ContentTruth("c1", 0.1),
            "{\"kind\":\"content\",\"contentId\":\"c1\",\"appeal\":0.1}"),
        written(
            Codecs.TRUTH,
            new GroundTruth.ContentTruth("c2", -1.0E-5),
            "{\"kind\":\"content\",\"contentId\":\"c2\",\"appeal\":-1.0E-5}"));
  }

  private static Arguments written(RecordCodec<?> codec, Object record, String line) {
    return Arguments.of(codec, record, line);
  }

  private static Map<String, Object> unknownFields() {
    Map<String, Object> utm = new LinkedHashMap<>();
    utm.put("source", "newsletter");
    utm.put("medium", null);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("utm", utm);
    extra.put("tags", List.of(1, 2.5, "x", true));
    extra.put("note", "caf\u00e9 \"quoted\"\n\ttab \u2028 \u0001");
    extra.put("big", 12345678901234L);
    extra.put("none", null);
    extra.put("flag", false);
    extra.put("ratio", 1.0E-7);
    return extra;
  }

  private static Map<String, String> attributes() {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("colour", "sand");
    attributes.put("material", "linen & oak");
    attributes.put("size", "");
    return attributes;
  }

  private static Map<String, Double> affinities() {
    Map<String, Double> affinities = new LinkedHashMap<>();
    affinities.put("Phones", 0.049099);
    affinities.put("Audio", 0.00266);
    affinities.put("Kitchen", 1.0);
    return affinities;
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("written")
  @SuppressWarnings({"unchecked", "rawtypes"})
  void everyKindIsWrittenByteForByteAsBefore(RecordCodec codec, Object record, String line) {
    assertThat(Codecs.encodeLine(codec, record)).isEqualTo(line);
    assertThat(Codecs.decodeLine(codec, line)).isEqualTo(record);
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void jsonLinesWriterWritesTheSameFileAsBefore() throws IOException {
    for (String kind : Codecs.names()) {
      RecordCodec codec = Codecs.byName(kind);
      List<Arguments> ofKind = written().filter(a -> a.get()[0] == codec).toList();
      Path path = dir.resolve(kind + ".jsonl");
      StringBuilder expected = new StringBuilder();
      try (JsonLinesWriter writer = JsonLinesWriter.create(path, codec)) {
        for (Arguments golden : ofKind) {
          writer.write(golden.get()[1]);
          expected.append(golden.get()[2]).append('\n');
        }
      }
      assertThat(ofKind).isNotEmpty();
      assertThat(Files.readString(path, StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }
  }

  /** Each line of codecs-golden.txt: decoded to the same record, or rejected the same way. */
  @TestFactory
  Stream<DynamicTest> everyLineIsReadAsBefore() throws IOException {
    List<String> lines;
    try (InputStream in = CodecsGoldenTest.class.getResourceAsStream("codecs-golden.txt")) {
      lines =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(line -> !line.startsWith("#"))
              .toList();
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i + 1 < lines.size(); i += 2) {
      String[] input = lines.get(i).split("\t", 2);
      String expected = lines.get(i + 1);
      assertThat(expected).startsWith("\t");
      RecordCodec<?> codec = Codecs.byName(input[0]);
      tests.add(
          DynamicTest.dynamicTest(
              input[0] + " " + input[1],
              () -> assertThat("\t" + outcome(codec, input[1])).isEqualTo(expected)));
    }
    assertThat(tests).hasSizeGreaterThan(200);
    return tests.stream();
  }

  private static <T> String outcome(RecordCodec<T> codec, String line) {
    try {
      return "ok " + Codecs.encodeLine(codec, Codecs.decodeLine(codec, line));
    } catch (InvalidRecordException e) {
      assertThat(e.getMessage()).isEqualTo("field '" + e.field() + "': " + e.reason());
      return "error " + e.field() + "\t" + e.reason();
    }
  }

  @Test
  void anEmptyOrBlankLineIsNoObject() {
    for (String line : List.of("", "   ")) {
      assertThatThrownBy(() -> Codecs.decodeLine(Codecs.EVENTS, line))
          .isInstanceOfSatisfying(
              InvalidRecordException.class,
              e -> {
                assertThat(e.field()).isEqualTo("line");
                assertThat(e.reason()).isEqualTo("expected a JSON object, got MISSING");
              });
    }
  }

  @Test
  void aTreeDecodesAsItsLine() throws IOException {
    String line =
        "{\"x\":1,\"eventId\":\"e\",\"type\":\"click\",\"userId\":\"u\","
            + "\"productId\":\"p\",\"timestamp\":5,\"receivedAt\":5}";
    Event event = Codecs.EVENTS.decode(Codecs.MAPPER.readTree(line));
    assertThat(event).isEqualTo(Codecs.decodeLine(Codecs.EVENTS, line));
    assertThat(event.extra()).containsExactly(Map.entry("x", 1));
    assertThatThrownBy(() -> Codecs.EVENTS.decode(Codecs.MAPPER.readTree("[1]")))
        .hasMessage("field 'line': expected a JSON object, got ARRAY");
  }

  /**
   * Where a line breaks the contract in several places, the old codecs named the first field, in
   * component order, that had the wrong JSON type or was missing and required, and only then ran
   * the record's constructor. The fields a record requires are now known to its constructor alone,
   * so two mixes of errors are reported differently (both lines are still rejected).
   */
  @Test
  void severalErrorsInOneLineAreNamedAsDocumented() {
    // The same as before: a required field missing before a field of the wrong type.
    assertThatThrownBy(
            () ->
                Codecs.decodeLine(
                    Codecs.EVENTS,
                    "{\"type\":\"click\","
                        + "\"userId\":\"u\",\"productId\":\"p\",\"timestamp\":\"x\",\"receivedAt\":5}"))
        .hasMessage("field 'eventId': is required");
    // Before: field 'region': is required (presence was checked before the constructor ran).
    assertThatThrownBy(() -> Codecs.decodeLine(Codecs.USERS, "{\"id\":\"\",\"joinedAt\":5}"))
        .hasMessage("field 'id': must not be blank");
    // Before: field 'pClick': must be a probability ... (the old reader checked it while reading).
    assertThatThrownBy(
            () ->
                Codecs.decodeLine(
                    Codecs.TRUTH,
                    "{\"kind\":\"impression\","
                        + "\"eventId\":\"e\",\"requestId\":\"r\",\"contentId\":\"c\",\"pClick\":1.2,"
                        + "\"pPurchase\":\"x\"}"))
        .hasMessage("field 'pPurchase': expected a number, got string \"x\"");
  }
}
