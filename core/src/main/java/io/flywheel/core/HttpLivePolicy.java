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

/** {@link LivePolicy#http}: asks a recommendations API for each page request. */
final class HttpLivePolicy implements LivePolicy {
  private static final int MAX_BODY_IN_MESSAGE = 300;

  private final String base;
  private final String token;
  private final Duration timeout;
  private final HttpClient client;

  HttpLivePolicy(URI baseUrl, String bearerTokenOrNull, Duration timeout) {
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
  public LiveAnswer answer(LiveRequest request) throws IOException {
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
