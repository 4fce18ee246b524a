package io.flywheel.featurestore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads online features from a running {@link FeatureServer} (the one {@code flywheel up} runs).
 */
public final class FeatureServerClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FeatureServerClient() {}

  /** {@code GET /v1/features/{view}/{key}}: the vector, or empty when the server has none. */
  public static Optional<FeatureVector> lookup(String baseUrl, String view, String key)
      throws IOException {
    URI uri =
        URI.create(
            baseUrl
                + "/v1/features/"
                + URLEncoder.encode(view, StandardCharsets.UTF_8)
                + "/"
                + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"));
    HttpResponse<String> response;
    try {
      response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking the feature server at " + baseUrl, e);
    }
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "feature server at " + baseUrl + " answered HTTP " + response.statusCode());
    }
    JsonNode body = JSON.readTree(response.body());
    Map<String, Object> values = new LinkedHashMap<>();
    body.path("values")
        .fields()
        .forEachRemaining(
            e ->
                values.put(
                    e.getKey(),
                    e.getValue().isNumber()
                        ? (Object) e.getValue().asDouble()
                        : e.getValue().isTextual()
                            ? e.getValue().asText()
                            : JSON.convertValue(e.getValue(), Object.class)));
    return Optional.of(
        new FeatureVector(
            body.path("view").asText(view),
            body.path("key").asText(key),
            body.path("asOf").asLong(),
            values));
  }
}
