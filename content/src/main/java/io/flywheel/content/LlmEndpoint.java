package io.flywheel.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A served language model, over one of the two wire protocols Flywheel speaks: OpenAI's chat
 * completions ({@code POST {base}/chat/completions}, which vLLM, llama.cpp, Ollama and hosted APIs
 * also serve) and Triton's generate extension ({@code POST {base}/v2/models/{model}/generate}).
 */
public interface LlmEndpoint {
  /** One completion: the model's text and the tokens it cost (0 when the server does not say). */
  record Completion(String text, long tokens) {}

  /**
   * @throws LlmException with {@code retryable} true for timeouts, 429 and 5xx
   */
  Completion complete(String system, String user, Duration timeout) throws LlmException;

  /** The model's name, for {@code ContentItem.generatorVersion}. */
  String model();

  /** A failed call; {@code retryable} when trying again may succeed. */
  final class LlmException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public LlmException(String message, boolean retryable, Throwable cause) {
      super(message, cause);
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  /** OpenAI's chat completions at {@code baseUrl} (e.g. {@code https://host/v1}). */
  static LlmEndpoint openAiChat(String baseUrl, String apiKey, String model) {
    return new Http(baseUrl, apiKey, model, true);
  }

  /** Triton's generate endpoint at {@code baseUrl} (its HTTP port), model {@code model}. */
  static LlmEndpoint tritonGenerate(String baseUrl, String model) {
    return new Http(baseUrl, null, model, false);
  }

  /** Both protocols: JSON over HTTP, differing in path, request and reply shape. */
  final class Http implements LlmEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TOKENS = 400;

    private final String baseUrl;
    private final String apiKey;
    private final String model;
    private final boolean openAi;
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http(String baseUrl, String apiKey, String model, boolean openAi) {
      if (baseUrl == null || !baseUrl.matches("https?://.+")) {
        throw new IllegalArgumentException("LLM_BASE_URL: expected an http(s) URL, got " + baseUrl);
      }
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("LLM_MODEL: is required with LLM_BASE_URL");
      }
      this.baseUrl = baseUrl.replaceAll("/+$", "");
      this.apiKey = apiKey;
      this.model = model;
      this.openAi = openAi;
    }

    @Override
    public String model() {
      return model;
    }

    @Override
    public Completion complete(String system, String user, Duration timeout) throws LlmException {
      ObjectNode body = JSON.createObjectNode();
      String path;
      if (openAi) {
        path = "/chat/completions";
        body.put("model", model);
        var messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", user);
        body.put("temperature", 0.7);
        body.put("max_tokens", MAX_TOKENS);
      } else {
        path = "/v2/models/" + model + "/generate";
        body.put("text_input", system + "\n\n" + user);
        body.putObject("parameters").put("max_tokens", MAX_TOKENS).put("temperature", 0.7);
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(baseUrl + path))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
      if (apiKey != null && !apiKey.isBlank()) {
        request.header("Authorization", "Bearer " + apiKey);
      }
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (java.net.http.HttpTimeoutException e) {
        throw new LlmException("no answer within " + timeout.toMillis() + " ms", true, e);
      } catch (IOException e) {
        throw new LlmException("cannot reach " + baseUrl + ": " + e.getMessage(), true, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LlmException("interrupted", false, e);
      }
      int status = response.statusCode();
      if (status != 200) {
        throw new LlmException(
            "HTTP " + status + " from " + baseUrl + path, status == 429 || status >= 500, null);
      }
      try {
        JsonNode reply = JSON.readTree(response.body());
        if (openAi) {
          JsonNode content = reply.path("choices").path(0).path("message").path("content");
          if (!content.isTextual()) {
            throw new LlmException("no choices[0].message.content in the reply", false, null);
          }
          return new Completion(
              content.asText(), reply.path("usage").path("total_tokens").asLong(0));
        }
        JsonNode text = reply.path("text_output");
        if (!text.isTextual()) {
          throw new LlmException("no text_output in the reply", false, null);
        }
        return new Completion(text.asText(), 0);
      } catch (IOException e) {
        throw new LlmException("the reply is not JSON: " + e.getMessage(), false, e);
      }
    }
  }
}
