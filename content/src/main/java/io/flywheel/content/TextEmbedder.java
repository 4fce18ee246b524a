package io.flywheel.content;

import java.util.List;

/** Turns text into unit-length vectors whose dot product is their cosine similarity. */
public interface TextEmbedder {
  float[] embed(String text);

  /** Embeds many at once (faster than one by one); the same order as {@code texts}. */
  List<float[]> embedAll(List<String> texts);

  int dimension();

  /** What the index records as the embedding's model. */
  String modelName();

  /** Whether the model was trained on this locale's language (its similarities mean something). */
  default boolean covers(CopyLocale locale) {
    return true;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
