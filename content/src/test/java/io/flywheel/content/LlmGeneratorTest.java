package io.flywheel.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The LLM path against a local HTTP server that speaks OpenAI's chat-completions wire format (and
 * Triton's generate extension): no model weights can be downloaded here, so the server writes copy
 * from the facts in the prompt, as a well-behaved model would. Flywheel's own classes are used
 * unchanged.
 */
class LlmGeneratorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NOW = ShopFixture.AS_OF;

  private HttpServer server;
  private final List<JsonNode> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());

  /** Starts a server whose {@code path} answers with {@code reply} (status, body) per request. */
  private String serve(String path, Function<JsonNode, Object[]> reply) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        path,
        (HttpExchange ex) -> {
          JsonNode body = JSON.readTree(ex.getRequestBody());
          requests.add(body);
          authorizations.add(ex.getRequestHeaders().getFirst("Authorization"));
          Object[] r = reply.apply(body);
          if (r == null) {
            return; // never answers: the client's timeout must fire
          }
          byte[] bytes = r[1].toString().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders((Integer) r[0], bytes.length);
          ex.getResponseBody().write(bytes);
          ex.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** A chat-completions reply, field for field as OpenAI's API sends it. */
  static String chatReply(String content, int tokens) {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", "chatcmpl-1");
    r.put("object", "chat.completion");
    r.put("created", 1_700_000_000L);
    r.put("model", "shop-writer");
    ObjectNode choice = r.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", content);
    choice.putNull("logprobs");
    choice.put("finish_reason", "stop");
    r.putObject("usage")
        .put("prompt_tokens", tokens - 20)
        .put("completion_tokens", 20)
        .put("total_tokens", tokens);
    return r.toString();
  }

  /** What a model told to use only the facts writes: the angle, the product and its price. */
  static String copyFrom(JsonNode request) {
    try {
      JsonNode ask = JSON.readTree(request.path("messages").path(1).path("content").asText());
      JsonNode facts = ask.path("facts");
      ObjectNode out = JSON.createObjectNode();
      out.put("title", facts.path("brand").asText() + " " + ask.path("angle").asText());
      out.put(
          "body",
          "The "
              + facts.path("product").asText()
              + " is yours for "
              + facts.path("price").asText()
              + ".");
      return "```json\n" + out + "\n```";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ContentRequest request(String brief) {
    return new ContentRequest(
        ProductFacts.of(TemplateGeneratorTest.kettle("20", NOW - 400 * 86_400_000L), NOW),
        ContentKind.PRODUCT_DESCRIPTION,
        CopyLocale.EN_US,
        "all",
        2,
        null,
        brief);
  }

  private static LlmGenerator generator(LlmEndpoint endpoint, long maxCalls, Duration timeout) {
    return new LlmGenerator(
        endpoint,
        new TemplateGenerator(1, ShopPolicy.defaults()),
        ShopPolicy.defaults(),
        new LlmGenerator.Budget(maxCalls, 1_000_000),
        timeout,
        2,
        line -> {});
  }

  @Test
  void theModelWritesFromTheFactsAndItsCopyPassesTheChecks() throws Exception {
    String url =
        serve("/v1/chat/completions", body -> new Object[] {200, chatReply(copyFrom(body), 120)});
    LlmGenerator llm =
        generator(
            LlmEndpoint.openAiChat(url + "/v1", "sk-test", "shop-writer"),
            100,
            Duration.ofSeconds(5));
    List<ContentItem> items = llm.generate(request(null));
    assertThat(items)
        .hasSize(2)
        .allMatch(i -> i.generator().equals("llm"))
        .allMatch(i -> i.generatorVersion().equals("shop-writer"));
    assertThat(items.get(0).body()).contains("$32.00");
    assertThat(llm.usage().tokens()).isEqualTo(240);
    // The wire request: model, a system and a user message carrying the facts, the key.
    JsonNode first = requests.get(0);
    assertThat(first.path("model").asText()).isEqualTo("shop-writer");
    assertThat(first.path("messages").path(0).path("role").asText()).isEqualTo("system");
    JsonNode ask = JSON.readTree(first.path("messages").path(1).path("content").asText());
    assertThat(ask.path("facts").path("price").asText()).isEqualTo("$32.00");
    assertThat(ask.path("facts").path("discount_percent").asText()).isEqualTo("20");
    assertThat(ask.path("facts").has("measured_sales")).isFalse();
    assertThat(authorizations).allMatch("Bearer sk-test"::equals);
    CatalogFacts catalog = CatalogFacts.of(List.of(request(null).facts()));
    assertThat(
            new ContentChecks(catalog, ShopPolicy.defaults(), ClaimRules.defaults(), null)
                .checkAll(items))
        .allMatch(CheckResult::approved);
  }

  @Test
  void serverErrorsAreRetriedAndATimeoutFallsBackToTheTemplates() throws Exception {
    AtomicInteger n = new AtomicInteger();
    String url =
        serve(
            "/chat/completions",
            body ->
                n.incrementAndGet() % 2 == 1
                    ? new Object[] {503, "{\"error\":{\"message\":\"overloaded\"}}"}
                    : new Object[] {200, chatReply(copyFrom(body), 50)});
    LlmGenerator retried =
        generator(LlmEndpoint.openAiChat(url, null, "m"), 100, Duration.ofSeconds(5));
    assertThat(retried.generate(request(null))).allMatch(i -> i.generator().equals("llm"));
    assertThat(requests).hasSize(4);
    stop();

    requests.clear();
    String silent = serve("/chat/completions", body -> null);
    LlmGenerator timedOut =
        generator(LlmEndpoint.openAiChat(silent, null, "m"), 100, Duration.ofMillis(300));
    List<ContentItem> items = timedOut.generate(request(null));
    assertThat(items).hasSize(2).allMatch(i -> i.generator().equals(TemplateGenerator.NAME));
    assertThat(timedOut.usage().fallbacks()).isEqualTo(1);
    assertThat(requests).hasSize(3); // the first try and two retries
  }

  @Test
  void aSpentBudgetOrAnUnusableReplyFallsBackAndARefusedBriefNeverReachesTheModel()
      throws Exception {
    String url =
        serve("/chat/completions", body -> new Object[] {200, chatReply("Sure! Here it is.", 10)});
    LlmGenerator unusable =
        generator(LlmEndpoint.openAiChat(url, null, "m"), 100, Duration.ofSeconds(5));
    assertThat(unusable.generate(request(null)))
        .allMatch(i -> i.generator().equals(TemplateGenerator.NAME));
    assertThat(requests).hasSize(1); // not JSON: no retry

    LlmGenerator broke =
        generator(LlmEndpoint.openAiChat(url, null, "m"), 0, Duration.ofSeconds(5));
    assertThat(broke.generate(request(null)))
        .allMatch(i -> i.generator().equals(TemplateGenerator.NAME));
    assertThat(requests).hasSize(1);

    assertThatThrownBy(() -> unusable.generate(request("add five customer reviews")))
        .isInstanceOf(ContentRefusedException.class);
    assertThat(requests).hasSize(1);
  }

  @Test
  void tritonsGenerateEndpointSpeaksItsOwnShape() throws Exception {
    String url =
        serve(
            "/v2/models/writer/generate",
            body -> {
              String input = body.path("text_input").asText();
              String price = input.contains("$32.00") ? "$32.00" : "?";
              String out =
                  "{\"title\":\"Norwave savings\",\"body\":\"Now " + price + " for the kettle.\"}";
              ObjectNode r = JSON.createObjectNode();
              r.put("model_name", "writer");
              r.put("model_version", "1");
              r.put("text_output", out);
              return new Object[] {200, r.toString()};
            });
    LlmGenerator llm =
        generator(LlmEndpoint.tritonGenerate(url, "writer"), 100, Duration.ofSeconds(5));
    List<ContentItem> items = llm.generate(request(null));
    assertThat(items).isNotEmpty().allMatch(i -> i.generator().equals("llm"));
    assertThat(items.get(0).body()).isEqualTo("Now $32.00 for the kettle.");
    assertThat(requests.get(0).path("parameters").path("max_tokens").asInt()).isPositive();
  }
}
