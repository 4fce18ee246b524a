package io.flywheel.content;

import io.flywheel.core.FlywheelConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Which generator writes copy: the templates (needing nothing installed), or the served language
 * model that {@code LLM_BASE_URL} names, falling back to the templates request by request.
 */
public final class GeneratorChoice {
  public static final String TEMPLATES = TemplateGenerator.NAME;
  public static final String LLM = "llm";
  public static final Duration LLM_TIMEOUT = Duration.ofSeconds(30);
  public static final int LLM_RETRIES = 2;

  private GeneratorChoice() {}

  /**
   * @param choice {@code templates}, {@code llm}, or null/blank: the model when one is configured
   * @throws IllegalArgumentException naming {@code field} for an unknown choice, or {@code llm}
   *     without {@code LLM_BASE_URL}
   */
  public static ContentGenerator create(
      String choice,
      String field,
      FlywheelConfig config,
      long seed,
      ShopPolicy policy,
      LlmGenerator.Budget budget,
      Consumer<String> log) {
    ContentGenerator templates = new TemplateGenerator(seed, policy);
    String wanted =
        choice == null || choice.isBlank()
            ? (config.llmBaseUrl() != null ? LLM : TEMPLATES)
            : choice.strip().toLowerCase(Locale.ROOT);
    if (wanted.equals(TEMPLATES)) {
      return templates;
    }
    if (!wanted.equals(LLM)) {
      throw new IllegalArgumentException(
          field + ": unknown generator '" + choice + "' (known: templates, llm)");
    }
    if (config.llmBaseUrl() == null) {
      throw new IllegalArgumentException(
          field + ": 'llm' needs LLM_BASE_URL (and LLM_MODEL) to name a served model");
    }
    LlmEndpoint endpoint =
        "triton".equals(config.llmProtocol())
            ? LlmEndpoint.tritonGenerate(config.llmBaseUrl(), config.llmModel())
            : LlmEndpoint.openAiChat(config.llmBaseUrl(), config.llmApiKey(), config.llmModel());
    return new LlmGenerator(endpoint, templates, policy, budget, LLM_TIMEOUT, LLM_RETRIES, log);
  }
}
