package io.flywheel.content;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * all-MiniLM-L6-v2 (quantised ONNX, 384 dimensions) from Maven, run in the process by ONNX Runtime:
 * no download, no server. One instance per JVM; it is thread-safe.
 */
public final class MiniLmEmbedder implements TextEmbedder {
  private static volatile MiniLmEmbedder shared;

  private final EmbeddingModel model;

  private MiniLmEmbedder() {
    this.model = new SingleThreadedSessions(Runtime.getRuntime().availableProcessors());
  }

  /**
   * The same model and tokenizer as langchain4j's {@link AllMiniLmL6V2QuantizedEmbeddingModel}, but
   * its ONNX session runs each text on one thread while a pool embeds texts in parallel: for
   * copy-length texts (tens of tokens) splitting one text across cores costs more than it saves,
   * and the default (a pool of every core, each call also on every core) oversubscribes them.
   */
  private static final class SingleThreadedSessions extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder encoder;

    SingleThreadedSessions(int threads) {
      super(pool(threads));
      try (InputStream onnx = resource("/all-minilm-l6-v2-q.onnx");
          InputStream tokenizer = resource("/all-minilm-l6-v2-q-tokenizer.json")) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        this.encoder =
            new OnnxBertBiEncoder(
                environment,
                environment.createSession(onnx.readAllBytes(), options),
                tokenizer,
                PoolingMode.MEAN);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (OrtException e) {
        throw new IllegalStateException("cannot load all-MiniLM-L6-v2: " + e.getMessage(), e);
      }
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }

    @Override
    protected Integer knownDimension() {
      return 384;
    }

    private static ExecutorService pool(int threads) {
      return Executors.newFixedThreadPool(
          threads,
          r -> {
            Thread t = new Thread(r, "minilm-embed");
            t.setDaemon(true);
            return t;
          });
    }

    private static InputStream resource(String name) throws IOException {
      // The class literal does not initialise langchain4j's model class (which loads its own).
      InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(name);
      if (in == null) {
        throw new IOException(name + " is missing from the all-minilm-l6-v2-q jar");
      }
      return in;
    }
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
