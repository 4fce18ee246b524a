package io.flywheel.webconsole;

import io.flywheel.core.LocalServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each served model version has done, from the home's inference server's Prometheus page:
 * requests, failures and the mean time of a successful request, per model and version.
 */
final class ServingFigures {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
  private static final Pattern LINE =
      Pattern.compile(
          "^flywheel_inference_(requests|failures|request_seconds)_total\\{([^}]*)}\\s+(\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /** One version's figures. */
  record Figures(long requests, long failures, double seconds) {
    double errorRate() {
      long all = requests + failures;
      return all == 0 ? 0 : (double) failures / all;
    }

    double meanMillis() {
      return requests == 0 ? 0 : 1000 * seconds / requests;
    }
  }

  private ServingFigures() {}

  /** By "model/version"; empty when no inference server of the home answers. */
  static Map<String, Figures> of(Path home) {
    var inference = LocalServices.find(home, LocalServices.INFERENCE);
    if (inference.isEmpty() || inference.get().health() == null) {
      return Map.of();
    }
    String metrics = inference.get().health().replaceFirst("/health$", "/metrics");
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(metrics)).timeout(Duration.ofSeconds(1)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? parse(r.body()) : Map.of();
    } catch (IOException e) {
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  static Map<String, Figures> parse(String prometheus) {
    Map<String, double[]> sums = new HashMap<>();
    for (String line : prometheus.split("\n")) {
      Matcher m = LINE.matcher(line.trim());
      if (!m.matches()) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      String key = labels.get("model") + "/" + labels.get("version");
      double[] s = sums.computeIfAbsent(key, k -> new double[3]);
      int i =
          switch (m.group(1)) {
            case "requests" -> 0;
            case "failures" -> 1;
            default -> 2;
          };
      s[i] = Double.parseDouble(m.group(3));
    }
    Map<String, Figures> out = new HashMap<>();
    sums.forEach((k, s) -> out.put(k, new Figures((long) s[0], (long) s[1], s[2])));
    return out;
  }
}
