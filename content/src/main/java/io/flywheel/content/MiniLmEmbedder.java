package io.flywheel.content;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (quantised ONNX, 384 dimensions) from Maven, run in the process by ONNX Runtime:
 * no download, no server. One instance per JVM; it is thread-safe.
 */
public final class MiniLmEmbedder implements TextEmbedder {
  private static volatile MiniLmEmbedder shared;

  private final EmbeddingModel model;

  private MiniLmEmbedder() {
    this.model = new AllMiniLmL6V2QuantizedEmbeddingModel();
  }

  /** The JVM's instance (loading the model takes about a second). */
  public static MiniLmEmbedder shared() {
    MiniLmEmbedder e = shared;
    if (e == null) {
      synchronized (MiniLmEmbedder.class) {
        e = shared;
        if (e == null) {
          e = new MiniLmEmbedder();
          shared = e;
        }
      }
    }
    return e;
  }

  @Override
  public float[] embed(String text) {
    return normalised(model.embed(text).content());
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    if (texts.isEmpty()) {
      return List.of();
    }
    List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
    return model.embedAll(segments).content().stream().map(MiniLmEmbedder::normalised).toList();
  }

  @Override
  public int dimension() {
    return 384;
  }

  /** MiniLM was trained on English: Chinese text embeds, but its similarities are unreliable. */
  @Override
  public boolean covers(CopyLocale locale) {
    return locale == CopyLocale.EN_US;
  }

  @Override
  public String modelName() {
    return "all-MiniLM-L6-v2-q";
  }

  private static float[] normalised(Embedding embedding) {
    float[] v = embedding.vector();
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (v[i] / norm);
      }
    }
    return v;
  }
}
