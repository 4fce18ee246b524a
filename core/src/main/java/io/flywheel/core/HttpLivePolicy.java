package io.flywheel.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link LivePolicy#http}: asks a recommendations API for each page request, and (when reporting)
 * posts what shoppers did to its collector before each request, as a shop's pages would.
 */
final class HttpLivePolicy implements LivePolicy {
  private static final int MAX_BODY_IN_MESSAGE = 300;

  private final String base;
  private final String token;
  private final Duration timeout;
  private final HttpClient client;
  private final boolean reporting;
  private final List<Event> unsent = new ArrayList<>();
  private long reported;
  private long unreported;
  private String firstReportError;

  /** The collector takes at most this many events per call. */
  static final int EVENTS_PER_POST = 1_000;

  HttpLivePolicy(URI baseUrl, String bearerTokenOrNull, Duration timeout, boolean reporting) {
    if (baseUrl == null
        || baseUrl.getScheme() == null
        || !(baseUrl.getScheme().equalsIgnoreCase("http")
            || baseUrl.getScheme().equalsIgnoreCase("https"))
        || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "policy URL: expected http(s)://host[:port][/path], got " + baseUrl);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: must be positive, got " + timeout);
    }
    String text = baseUrl.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.token =
        bearerTokenOrNull == null || bearerTokenOrNull.isBlank() ? null : bearerTokenOrNull.trim();
    this.timeout = timeout;
    if (reporting && this.token == null) {
      throw new IllegalArgumentException(
          "token: reporting events needs the API token (the collector refuses POSTs without one)");
    }
    this.reporting = reporting;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public String name() {
    return RedactedUri.of(base);
  }

  /** The URL asked for one request. */
  URI uri(LiveRequest request) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("userId", request.userId());
    query.put("slot", request.slot());
    query.put("k", Integer.toString(request.k()));
    // Ask for the candidate pool, so the oracle can be measured on the same candidates.
    query.put("pool", "true");
    if (request.sessionId() != null) {
      query.put("sessionId", request.sessionId());
    }
    if (request.locale() != null) {
      query.put("locale", request.locale());
    }
    query.put("at", Instant.ofEpochMilli(request.at()).toString());
    StringBuilder url = new StringBuilder(base).append("/v1/recommendations");
    char separator = '?';
    for (Map.Entry<String, String> parameter : query.entrySet()) {
      url.append(separator)
          .append(parameter.getKey())
          .append('=')
          .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return URI.create(url.toString());
  }

  @Override
  public void observed(Event event) {
    if (reporting) {
      unsent.add(event);
    }
  }

  @Override
  public long reportedEvents() {
    return reported;
  }

  @Override
  public long unreportedEvents() {
    return unreported;
  }

  /** The collector's first refusal or failure, or null. */
  String firstReportError() {
    return firstReportError;
  }

  /**
   * Posts what is held to the collector, in batches; a batch it refuses or cannot take is counted
   * (never retried: a shop's tracking would drop it too) and the run goes on.
   */
  @Override
  public void flush() {
    for (int from = 0; from < unsent.size(); from += EVENTS_PER_POST) {
      List<Event> batch = unsent.subList(from, Math.min(unsent.size(), from + EVENTS_PER_POST));
      String error = post(batch);
      if (error == null) {
        reported += batch.size();
      } else {
        unreported += batch.size();
        if (firstReportError == null) {
          firstReportError = error;
        }
      }
    }
    unsent.clear();
  }

  /** Null when the collector took the batch, else what went wrong. */
  private String post(List<Event> batch) {
    StringBuilder body = new StringBuilder(batch.size() * 300).append('[');
    for (int i = 0; i < batch.size(); i++) {
      body.append(i == 0 ? "" : ",").append(Codecs.encodeLine(Codecs.EVENTS, batch.get(i)));
    }
    body.append(']');
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/v1/events"))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() / 100 == 2
          ? null
          : "POST /v1/events: HTTP " + response.statusCode() + ": " + shorten(response.body());
    } catch (IOException e) {
      return "POST /v1/events: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "POST /v1/events: interrupted";
    }
  }

  @Override
  public void close() {
    flush();
  }

  @Override
  public LiveAnswer answer(LiveRequest request) throws IOException {
    if (!unsent.isEmpty()) {
      flush();
    }
    URI uri = uri(request);
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET();
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response;
    try {
      response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new IOException(
          "GET " + RedactedUri.of(uri.toString()) + ": no answer within " + timeout, e);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (java.net.ConnectException e) {
      throw new IOException("GET " + RedactedUri.of(uri.toString()) + ": cannot connect", e);
    } catch (IOException e) {
      throw new IOException(
          "GET "
              + RedactedUri.of(uri.toString())
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted =
          new InterruptedIOException("interrupted asking " + name());
      interrupted.initCause(e);
      throw interrupted;
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "GET "
              + RedactedUri.of(uri.toString())
              + ": HTTP "
              + response.statusCode()
              + ": "
              + shorten(response.body()));
    }
    return parse(response.body());
  }

  /** Reads a recommendations answer; anything else is an {@link IOException} saying what. */
  static LiveAnswer parse(String body) throws IOException {
    JsonNode root;
    try {
      root = Codecs.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IOException(
          "not a JSON answer: " + e.getOriginalMessage() + ": " + shorten(body), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException("expected a JSON object, got: " + shorten(body));
    }
    JsonNode items = root.path("items");
    if (!items.isArray()) {
      throw new IOException("expected \"items\" to be an array, got: " + shorten(body));
    }
    List<JsonNode> ordered = new ArrayList<>(items.size());
    boolean positioned = true;
    for (JsonNode item : items) {
      if (!item.isObject()) {
        throw new IOException(
            "expected each item to be an object, got: " + shorten(item.toString()));
      }
      ordered.add(item);
      positioned &= item.path("position").isIntegralNumber();
    }
    if (positioned) {
      // Stable: items that share a position keep the order they came in.
      ordered.sort(Comparator.comparingLong(item -> item.path("position").asLong()));
    }
    List<ShownItem> shown = new ArrayList<>(ordered.size());
    for (JsonNode item : ordered) {
      JsonNode propensity = item.path("propensity");
      shown.add(
          new ShownItem(
              text(item, "productId"),
              text(item, "contentId"),
              text(item, "variantId"),
              text(item, "campaignId"),
              text(item, "title"),
              text(item, "body"),
              propensity.isNumber() ? propensity.asDouble() : Double.NaN,
              text(item, "arm")));
    }
    List<String> fallbacks = new ArrayList<>();
    JsonNode named = root.path("fallbacks");
    if (named.isArray()) {
      for (JsonNode fallback : named) {
        if (fallback.isTextual()) {
          fallbacks.add(fallback.asText());
        }
      }
    }
    List<ShownItem> pool = new ArrayList<>();
    for (JsonNode candidate : root.path("pool")) {
      if (candidate.isObject()) {
        pool.add(
            new ShownItem(
                text(candidate, "productId"),
                text(candidate, "contentId"),
                text(candidate, "variantId"),
                null,
                null,
                null,
                Double.NaN,
                null));
      }
    }
    return new LiveAnswer(text(root, "requestId"), shown, fallbacks, pool);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  private static String shorten(String text) {
    if (text == null) {
      return "";
    }
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= MAX_BODY_IN_MESSAGE
        ? oneLine
        : oneLine.substring(0, MAX_BODY_IN_MESSAGE) + "...";
  }
}
