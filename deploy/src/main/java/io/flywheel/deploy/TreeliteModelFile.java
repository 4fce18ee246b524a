package io.flywheel.deploy;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The XGBoost JSON model as the FIL backend's treelite reads it. XGBoost 3 writes {@code
 * base_score} as a one-element vector in a string ({@code "[4.0E-2]"}); the treelite inside FIL
 * releases before 25.09 parses that as 0, shifting every score. A single-target model's value is
 * written back as the plain number string XGBoost 1.x and 2.x wrote, which every XGBoost and
 * treelite version reads. Only that field changes, byte for byte; unknown fields such as {@code
 * cats} are left for {@code xgboost_allow_unknown_field} in the config.
 */
final class TreeliteModelFile {
  private static final Pattern VECTOR_BASE_SCORE =
      Pattern.compile("\"base_score\"\\s*:\\s*\"\\[\\s*([-+0-9.eE]+)\\s*\\]\"");

  private TreeliteModelFile() {}

  static byte[] normalize(byte[] xgboostJson) {
    String text = new String(xgboostJson, StandardCharsets.UTF_8);
    Matcher m = VECTOR_BASE_SCORE.matcher(text);
    if (!m.find()) {
      return xgboostJson;
    }
    String fixed =
        text.substring(0, m.start())
            + "\"base_score\":\""
            + m.group(1)
            + "\""
            + text.substring(m.end());
    return fixed.getBytes(StandardCharsets.UTF_8);
  }
}
