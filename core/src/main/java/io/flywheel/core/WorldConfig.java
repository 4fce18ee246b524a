package io.flywheel.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The knobs of the simulated marketplace: how it starts, how shoppers behave, how the logged
 * baseline policy serves content. Defaults give a plausible shop (a few percent click-through,
 * roughly one purchase per ten clicks); a YAML file may override any of them.
 *
 * @param start first instant simulated (ISO-8601); the default is a Monday
 * @param initialUserShare share of users already signed up at {@code start}; the rest arrive
 *     uniformly over the simulated days (cold start)
 * @param initialProductShare share of products listed at {@code start}; the rest arrive later
 * @param variantsPerProduct copy variants written for each product
 * @param slotSize content items shown per request
 * @param requestsPerSession mean page requests per session (at least one)
 * @param meanSessionsPerUserDay mean activity: sessions per user per day, before seasonality
 * @param exploration share of slots the baseline policy fills uniformly at random
 * @param organicPurchaseRate chance that a session also buys something it was never shown
 * @param baseClickLogit log-odds of a click for an average item at the top position
 * @param positionBiasExponent examination probability at 0-based position k is (1+k)^-exponent
 * @param delayedPurchaseShare share of carted purchases completed hours later (within 24 h)
 */
public record WorldConfig(
    String start,
    double initialUserShare,
    double initialProductShare,
    int variantsPerProduct,
    int slotSize,
    double requestsPerSession,
    double meanSessionsPerUserDay,
    double exploration,
    double organicPurchaseRate,
    double baseClickLogit,
    double positionBiasExponent,
    double delayedPurchaseShare) {

  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  public WorldConfig {
    InvalidRecordException.requireText(start, "start");
    try {
      Instant.parse(start);
    } catch (DateTimeParseException e) {
      throw new InvalidRecordException(
          "start",
          "expected an ISO-8601 instant such as 2026-01-05T00:00:00Z, got \"" + start + "\"");
    }
    share(initialUserShare, "initialUserShare");
    share(initialProductShare, "initialProductShare");
    InvalidRecordException.require(
        variantsPerProduct >= 1 && variantsPerProduct <= 20,
        "variantsPerProduct",
        "must be between 1 and 20, got ",
        variantsPerProduct);
    InvalidRecordException.require(
        slotSize >= 1 && slotSize <= 50, "slotSize", "must be between 1 and 50, got ", slotSize);
    InvalidRecordException.require(
        requestsPerSession >= 1 && requestsPerSession <= 100,
        "requestsPerSession",
        "must be between 1 and 100, got ",
        requestsPerSession);
    InvalidRecordException.require(
        meanSessionsPerUserDay > 0 && meanSessionsPerUserDay <= 50,
        "meanSessionsPerUserDay",
        "must be in (0, 50], got ",
        meanSessionsPerUserDay);
    share(exploration, "exploration");
    share(organicPurchaseRate, "organicPurchaseRate");
    InvalidRecordException.require(
        baseClickLogit > -15 && baseClickLogit < 5,
        "baseClickLogit",
        "must be in (-15, 5), got ",
        baseClickLogit);
    InvalidRecordException.require(
        positionBiasExponent >= 0 && positionBiasExponent <= 5,
        "positionBiasExponent",
        "must be in [0, 5], got ",
        positionBiasExponent);
    share(delayedPurchaseShare, "delayedPurchaseShare");
  }

  private static void share(double value, String field) {
    InvalidRecordException.require(
        value >= 0 && value <= 1, field, "must be a share in [0, 1], got ", value);
  }

  public static WorldConfig defaults() {
    return new WorldConfig(
        "2026-01-05T00:00:00Z", 0.7, 0.8, 3, 4, 2.5, 0.35, 0.1, 0.03, -2.6, 0.6, 0.25);
  }

  public Instant startInstant() {
    return Instant.parse(start);
  }

  /**
   * Reads a YAML file whose keys override the defaults. An unknown key or a bad value is an {@link
   * IllegalArgumentException} naming the file and the field.
   */
  public static WorldConfig fromYaml(Path file) throws IOException {
    ObjectNode merged = YAML.valueToTree(defaults());
    JsonNode overrides;
    try {
      overrides = YAML.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var at = e.getLocation();
      throw new IllegalArgumentException(
          file
              + ": not valid YAML"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    }
    if (overrides != null && !overrides.isMissingNode() && !overrides.isNull()) {
      if (!overrides.isObject()) {
        throw new IllegalArgumentException(file + ": expected a mapping of world settings");
      }
      merged.setAll((ObjectNode) overrides);
    }
    try {
      return YAML.treeToValue(merged, WorldConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException(
          file
              + ": unknown field '"
              + e.getPropertyName()
              + "' (known: "
              + e.getKnownPropertyIds()
              + ")");
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvalidRecordException invalid) {
        throw new IllegalArgumentException(file + ": " + invalid.getMessage());
      }
      String field = e.getPath().isEmpty() ? "?" : e.getPath().get(0).getFieldName();
      throw new IllegalArgumentException(
          file + ": field '" + field + "': " + e.getOriginalMessage());
    }
  }
}
