package io.flywheel.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flywheel.core.ContentItem;
import io.flywheel.core.MessageAngle;
import io.flywheel.core.SafetyVerdict;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Copy written by a served language model, behind the same interface and rules as the templates:
 * the prompt carries only the product's facts and the variant's angle, the same briefs are refused
 * before the model is asked, and every item still goes through the checks. A call that times out or
 * fails is retried with back-off; when retries, the budget (calls and tokens) or the reply's shape
 * fail, that request is written by the fallback generator instead, and counted.
 */
public final class LlmGenerator implements ContentGenerator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SYSTEM =
      "You write e-commerce marketing copy for a shop. Use only the facts you are given: never"
          + " invent reviews, ratings, testimonials, awards, numbers, prices, discounts or claims."
          + " No superlatives such as 'best in the world', no guarantees, no medical or financial"
          + " promises. Lead with the angle you are given. Reply with one JSON object and nothing"
          + " else: {\"title\": \"...\", \"body\": \"...\"}.";

  /** How much the generator may spend: calls and tokens, over its lifetime. */
  public record Budget(long maxCalls, long maxTokens) {
    public Budget {
      if (maxCalls < 0 || maxTokens < 0) {
        throw new IllegalArgumentException("budget: must be >= 0");
      }
    }
  }

  /** What happened so far: items written by the model, requests that fell back, and why. */
  public record Usage(long calls, long tokens, long modelItems, long fallbacks) {}

  private final LlmEndpoint endpoint;
  private final ContentGenerator fallback;
  private final ShopPolicy policy;
  private final Budget budget;
  private final Duration timeout;
  private final int retries;
  private final Consumer<String> log;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong tokens = new AtomicLong();
  private final AtomicLong modelItems = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();

  public LlmGenerator(
      LlmEndpoint endpoint,
      ContentGenerator fallback,
      ShopPolicy policy,
      Budget budget,
      Duration timeout,
      int retries,
      Consumer<String> log) {
    this.endpoint = endpoint;
    this.fallback = fallback;
    this.policy = policy;
    this.budget = budget;
    this.timeout = timeout;
    this.retries = retries;
    this.log = log;
  }

  @Override
  public String name() {
    return "llm";
  }

  public Usage usage() {
    return new Usage(calls.get(), tokens.get(), modelItems.get(), fallbacks.get());
  }

  @Override
  public List<ContentItem> generate(ContentRequest request) {
    GenerationPolicy.check(request);
    CopySlots slots = new CopySlots(request.facts(), request.locale(), policy);
    List<MessageAngle> angles = TemplateGenerator.supportedAngles(request, slots);
    List<ContentItem> items = new ArrayList<>();
    Set<String> written = new HashSet<>();
    try {
      for (int i = 0; items.size() < request.variants() && i < 2 * request.variants(); i++) {
        MessageAngle angle = angles.get(i % angles.size());
        String[] copy = ask(request, slots, angle);
        if (written.add(copy[0] + "\n" + copy[1])) {
          items.add(item(request, angle, copy, items.size() + 1));
        }
      }
    } catch (LlmEndpoint.LlmException | IllegalStateException e) {
      fallbacks.incrementAndGet();
      log.accept("llm: " + e.getMessage() + "; writing this request with " + fallback.name());
      return fallback.generate(request);
    }
    modelItems.addAndGet(items.size());
    return items;
  }

  private String[] ask(ContentRequest request, CopySlots slots, MessageAngle angle)
      throws LlmEndpoint.LlmException {
    String prompt = prompt(request, slots, angle);
    LlmEndpoint.LlmException last = null;
    for (int attempt = 0; attempt <= retries; attempt++) {
      if (calls.get() >= budget.maxCalls() || tokens.get() >= budget.maxTokens()) {
        throw new IllegalStateException(
            "budget spent (" + calls.get() + " calls, " + tokens.get() + " tokens)");
      }
      calls.incrementAndGet();
      try {
        LlmEndpoint.Completion c = endpoint.complete(SYSTEM, prompt, timeout);
        tokens.addAndGet(c.tokens());
        return parse(c.text(), request);
      } catch (LlmEndpoint.LlmException e) {
        last = e;
        if (!e.retryable()) {
          throw e;
        }
        if (attempt < retries) {
          sleep(200L << attempt); // no back-off after the last try: nothing follows it
        }
      }
    }
    throw last;
  }

  /** The facts and the ask, as JSON the model reads; nothing else about the product. */
  static String prompt(ContentRequest request, CopySlots slots, MessageAngle angle) {
    ObjectNode facts = JSON.createObjectNode();
    var product = request.facts().product();
    facts.put("product", product.title());
    facts.put("brand", product.brand());
    slots.fill("{category}").ifPresent(v -> facts.put("category", v));
    slots.fill("{colour}").ifPresent(v -> facts.put("colour", v));
    slots.fill("{price}").ifPresent(v -> facts.put("price", v));
    slots.fill("{listPrice}").ifPresent(v -> facts.put("list_price_before_discount", v));
    slots.fill("{discount}").ifPresent(v -> facts.put("discount_percent", v));
    slots
        .fill("among the most bought {rankCategory} {window}")
        .ifPresent(v -> facts.put("measured_sales", v));
    if (request.facts().isNew()) {
      facts.put("new_arrival", true);
    }
    slots.fill("{returnDays}").ifPresent(v -> facts.put("free_returns_days", v));
    slots.fill("{deliveryDays}").ifPresent(v -> facts.put("delivery_days", v));
    ObjectNode ask = JSON.createObjectNode();
    ask.put("kind", request.kind().wireName());
    ask.put("language", request.locale() == CopyLocale.ZH_CN ? "Simplified Chinese" : "English");
    ask.put("audience", request.segment());
    ask.put("angle", angle.wireName());
    CopyLimits limits = CopyLimits.of(request.kind());
    ask.put("title_max_width", limits.titleMax());
    ask.put("body_max_width", limits.bodyMax());
    if (request.instructions() != null) {
      ask.put("brief", request.instructions());
    }
    ask.set("facts", facts);
    return ask.toString();
  }

  private static String[] parse(String text, ContentRequest request)
      throws LlmEndpoint.LlmException {
    String json = text.strip();
    int start = json.indexOf('{');
    int end = json.lastIndexOf('}');
    if (start < 0 || end < start) {
      throw new LlmEndpoint.LlmException("the reply holds no JSON object", false, null);
    }
    JsonNode node;
    try {
      node = JSON.readTree(json.substring(start, end + 1));
    } catch (IOException e) {
      throw new LlmEndpoint.LlmException("the reply's JSON does not parse", false, e);
    }
    String title = node.path("title").asText("").strip();
    String body = node.path("body").asText("").strip();
    if (title.isEmpty() || body.isEmpty()) {
      throw new LlmEndpoint.LlmException("the reply lacks a title or a body", false, null);
    }
    CopyLimits limits = CopyLimits.of(request.kind());
    if (CopyLimits.width(title) > limits.titleMax() || CopyLimits.width(body) > limits.bodyMax()) {
      throw new LlmEndpoint.LlmException("the reply is longer than the kind allows", false, null);
    }
    return new String[] {title, body};
  }

  private ContentItem item(ContentRequest request, MessageAngle angle, String[] copy, int n) {
    return new ContentItem(
        TemplateGenerator.contentId(request, 1000 + n),
        request.kind(),
        request.locale().tag(),
        copy[0],
        copy[1],
        List.of(request.facts().product().id()),
        request.segment(),
        "v" + n,
        request.campaignId(),
        name(),
        endpoint.model(),
        SafetyVerdict.PENDING,
        request.facts().asOf(),
        angle);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
