package io.flywheel.content;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.BackoffPolicy;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;

/**
 * The content index in Elasticsearch: versioned indices ({@code flywheel-content-v<millis>}) behind
 * the alias {@value #ALIAS}, so a rebuild loads a new index completely and then swaps the alias in
 * one atomic step: searches never see a half-built index. Documents are loaded by bulk requests
 * with back-pressure (at most two in flight) and retries of rejected ones.
 */
public final class ContentIndex implements AutoCloseable {
  public static final String ALIAS = "flywheel-content";
  public static final String TEMPLATE = "flywheel-content";
  static final String PREFIX = "flywheel-content-v";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The stored fields a hit is read from. */
  private static final List<String> HIT_FIELDS =
      List.of("type", "kind", "locale", "title", "body", "product_ids", "category", "brand");

  /**
   * How the embeddings are indexed for kNN. An HNSW graph keeps searches fast however large the
   * index grows but costs most of the indexing time (each vector is inserted into the graph); a
   * flat index scans every (int8-quantised) vector per search, so it indexes several times faster
   * and searches in time proportional to the documents: right for catalogues up to about a hundred
   * thousand documents. Both quantise to int8 and rescore nothing: MiniLM's unit vectors lose
   * little.
   */
  public enum VectorIndex {
    HNSW("int8_hnsw", 16, 100),
    FLAT("int8_flat", 0, 0);

    private final String type;
    private final int m;
    private final int efConstruction;

    VectorIndex(String type, int m, int efConstruction) {
      this.type = type;
      this.m = m;
      this.efConstruction = efConstruction;
    }

    public String type() {
      return type;
    }

    /**
     * Lucene's own graph settings, stated so a rebuild does not change with the node's defaults: a
     * sparser graph (m 8 or 12, ef_construction 32 or 48) built up to twice as fast but lost 0.02–
     * 0.04 NDCG@10 of the nearest-neighbour list on the judged queries (docs/BENCHMARKS.md).
     */
    String graphOptions() {
      return m == 0 ? "" : ",\"m\":" + m + ",\"ef_construction\":" + efConstruction;
    }

    public static VectorIndex of(String name, String field) {
      for (VectorIndex v : values()) {
        if (v.name().equalsIgnoreCase(name.strip())) {
          return v;
        }
      }
      throw new IllegalArgumentException(field + ": expected hnsw or flat, got '" + name + "'");
    }
  }

  private final RestClient rest;
  private final ElasticsearchClient client;
  private final int dimensions;
  private final VectorIndex vectors;

  private ContentIndex(RestClient rest, int dimensions, VectorIndex vectors) {
    this.rest = rest;
    this.client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
    this.dimensions = dimensions;
    this.vectors = vectors;
  }

  /**
   * Connects to {@code url} ({@code https://} for TLS), with an API key when given (never logged).
   *
   * @param dimensions the embedding size documents carry
   */
  public static ContentIndex connect(String url, String apiKey, int dimensions) {
    return connect(url, apiKey, dimensions, VectorIndex.HNSW);
  }

  /** As above, with new indices' vectors indexed as {@code vectors}. */
  public static ContentIndex connect(
      String url, String apiKey, int dimensions, VectorIndex vectors) {
    var builder = RestClient.builder(HttpHost.create(url));
    if (apiKey != null && !apiKey.isBlank()) {
      builder.setDefaultHeaders(
          new Header[] {new BasicHeader("Authorization", "ApiKey " + apiKey)});
    }
    return new ContentIndex(builder.build(), dimensions, vectors);
  }

  ElasticsearchClient client() {
    return client;
  }

  /** Creates or updates the index template every versioned index is created from. */
  public void putTemplate() throws IOException {
    String keyword = "{\"type\":\"keyword\"}";
    String mappings =
        "{\"dynamic\":\"strict\","
            // Searched, never read back: kept out of the stored source so fetching hits and
            // loading documents do not carry 384 floats and two term lists per document.
            + "\"_source\":{\"excludes\":[\"embedding\",\"terms_en\",\"terms_zh\"]},"
            + "\"properties\":{"
            + "\"id\":"
            + keyword
            + ",\"type\":"
            + keyword
            + ",\"kind\":"
            + keyword
            + ",\"locale\":"
            + keyword
            + ",\"category\":"
            + keyword
            + ",\"department\":"
            + keyword
            + ",\"brand\":"
            + keyword
            + ",\"segment\":"
            + keyword
            + ",\"angle\":"
            + keyword
            + ",\"campaign\":"
            + keyword
            + ",\"product_ids\":"
            + keyword
            + ",\"title\":{\"type\":\"text\",\"index\":false}"
            + ",\"body\":{\"type\":\"text\",\"index\":false}"
            + ",\"price\":{\"type\":\"double\"}"
            + ",\"created_at\":{\"type\":\"date\",\"format\":\"epoch_millis\"}"
            // Analysed in Flywheel (TextAnalysis): whitespace here, BM25 scoring as usual.
            + ",\"terms_en\":{\"type\":\"text\",\"analyzer\":\"whitespace\"}"
            + ",\"terms_zh\":{\"type\":\"text\",\"analyzer\":\"whitespace\"}"
            + ",\"embedding\":{\"type\":\"dense_vector\",\"dims\":"
            + dimensions
            + ",\"index\":true,\"similarity\":\"dot_product\",\"index_options\":{\"type\":\""
            + vectors.type()
            + "\""
            + vectors.graphOptions()
            + "}}"
            + "}}";
    String body =
        "{\"index_patterns\":[\""
            + PREFIX
            + "*\"],\"priority\":100,\"template\":{"
            + "\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
            + "\"mappings\":"
            + mappings
            + "}}";
    client.indices().putIndexTemplate(b -> b.name(TEMPLATE).withJson(new StringReader(body)));
  }

  /** The index the alias points at now, or null when there is none yet. */
  public String currentIndex() throws IOException {
    if (!client.indices().existsAlias(a -> a.name(ALIAS)).value()) {
      return null;
    }
    return client.indices().getAlias(a -> a.name(ALIAS)).result().keySet().iterator().next();
  }

  /**
   * What a rebuild did.
   *
   * @param millis the whole rebuild; {@code loadMillis} of it loading documents, {@code
   *     mergeMillis} merging the loaded segments into one before the swap
   */
  public record Rebuild(
      String index,
      String previous,
      long indexed,
      long failed,
      long millis,
      long loadMillis,
      long mergeMillis) {}

  /**
   * Loads {@code documents} into a new index, then points the alias at it and drops the old one.
   * Fails, leaving the alias where it was, when any document cannot be indexed.
   *
   * @param progress called with the count indexed so far
   */
  public Rebuild rebuild(Iterable<ContentDocument> documents, LongConsumer progress)
      throws IOException {
    long started = System.nanoTime();
    putTemplate();
    String previous = currentIndex();
    String index = PREFIX + System.currentTimeMillis();
    // Loading is faster with refresh off; it is turned back on before the swap.
    client
        .indices()
        .create(c -> c.index(index).settings(s -> s.refreshInterval(t -> t.time("-1"))));
    long[] counts;
    long loaded;
    long merged;
    try {
      counts = load(index, documents, progress);
      loaded = System.nanoTime();
      if (counts[1] > 0) {
        throw new IOException(
            counts[1]
                + " documents could not be indexed (see the log); the alias still points at "
                + previous);
      }
      // A rebuilt index is read far more than written: one segment means one graph and one term
      // dictionary per search instead of one per flushed segment (about half the search time).
      mergeToOneSegment(index);
      merged = System.nanoTime();
      client
          .indices()
          .putSettings(p -> p.index(index).settings(s -> s.refreshInterval(t -> t.time("1s"))));
      client.indices().refresh(r -> r.index(index));
      client
          .indices()
          .updateAliases(
              u -> {
                if (previous != null) {
                  u.actions(a -> a.remove(r -> r.index(previous).alias(ALIAS)));
                }
                return u.actions(a -> a.add(x -> x.index(index).alias(ALIAS)));
              });
    } catch (IOException | RuntimeException e) {
      client.indices().delete(d -> d.index(index));
      throw e;
    }
    if (previous != null) {
      client.indices().delete(d -> d.index(previous));
    }
    return new Rebuild(
        index,
        previous,
        counts[0],
        counts[1],
        (System.nanoTime() - started) / 1_000_000,
        (loaded - started) / 1_000_000,
        (merged - loaded) / 1_000_000);
  }

  /**
   * Merges {@code index} into one segment. The merge runs as a task on the node (it can take longer
   * than one HTTP request may wait), looked at every 200 ms until it is done.
   */
  private void mergeToOneSegment(String index) throws IOException {
    String task =
        client
            .indices()
            .forcemerge(f -> f.index(index).maxNumSegments(1L).waitForCompletion(false))
            .task();
    while (task != null) {
      var state = client.tasks().get(t -> t.taskId(task));
      if (state.error() != null) {
        throw new IOException("merging " + index + " failed: " + state.error().reason());
      }
      if (state.completed()) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while merging " + index, e);
      }
    }
  }

  /** Adds or replaces documents in the live index, visible to searches when this returns. */
  public long upsert(List<ContentDocument> documents) throws IOException {
    String index = currentIndex();
    if (index == null) {
      return rebuild(documents, n -> {}).indexed();
    }
    long[] counts = load(index, documents, n -> {});
    client.indices().refresh(r -> r.index(index));
    if (counts[1] > 0) {
      throw new IOException(counts[1] + " documents could not be indexed");
    }
    return counts[0];
  }

  private long[] load(String index, Iterable<ContentDocument> documents, LongConsumer progress) {
    AtomicLong indexed = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<String> errors = new ArrayList<>();
    BulkListener<Void> listener =
        new BulkListener<>() {
          @Override
          public void beforeBulk(long id, BulkRequest request, List<Void> contexts) {}

          @Override
          public void afterBulk(
              long id, BulkRequest request, List<Void> contexts, BulkResponse response) {
            for (BulkResponseItem item : response.items()) {
              if (item.error() == null) {
                indexed.incrementAndGet();
              } else {
                failed.incrementAndGet();
                synchronized (errors) {
                  if (errors.size() < 5) {
                    errors.add(item.id() + ": " + item.error().reason());
                  }
                }
              }
            }
            progress.accept(indexed.get());
          }

          @Override
          public void afterBulk(
              long id, BulkRequest request, List<Void> contexts, Throwable failure) {
            failed.addAndGet(request.operations().size());
            synchronized (errors) {
              errors.add(failure.toString());
            }
          }
        };
    try (BulkIngester<Void> ingester =
        BulkIngester.of(
            b ->
                b.client(client)
                    .maxOperations(500)
                    .maxSize(8L * 1024 * 1024)
                    .maxConcurrentRequests(2)
                    .flushInterval(1, TimeUnit.SECONDS)
                    .backoffPolicy(BackoffPolicy.exponentialBackoff(200L, 6))
                    .listener(listener))) {
      for (ContentDocument doc : documents) {
        ingester.add(op -> op.index(i -> i.index(index).id(doc.id()).document(doc.source())));
      }
    }
    if (!errors.isEmpty()) {
      org.slf4j.LoggerFactory.getLogger(ContentIndex.class)
          .warn("content index: {} failed; first: {}", failed.get(), errors);
    }
    return new long[] {indexed.get(), failed.get()};
  }

  public long count() throws IOException {
    return currentIndex() == null ? 0 : client.count(c -> c.index(ALIAS)).count();
  }

  /** A search of an index that does not exist yet says what to do about it. */
  private interface Search {
    SearchResponse<JsonNode> run() throws IOException;
  }

  private static SearchResponse<JsonNode> searching(Search search) throws IOException {
    try {
      return search.run();
    } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
      if (e.status() == 404) {
        throw new IOException(
            "the content index is empty (no " + ALIAS + " alias): run `flywheel content index`", e);
      }
      throw e;
    }
  }

  /** Keyword (BM25) search over the analysed terms, with the query's filters. */
  List<ContentHit> keyword(String terms, String field, List<Query> filters, int size)
      throws IOException {
    SearchResponse<JsonNode> response =
        searching(
            () ->
                client.search(
                    s ->
                        s.index(ALIAS)
                            .size(size)
                            .query(
                                q ->
                                    q.bool(
                                        b ->
                                            b.must(m -> m.match(t -> t.field(field).query(terms)))
                                                .filter(filters)))
                            .source(src -> src.filter(f -> f.includes(HIT_FIELDS))),
                    JsonNode.class));
    return hits(response);
  }

  /** Nearest neighbours of {@code vector} (HNSW), with the query's filters. */
  List<ContentHit> nearest(float[] vector, List<Query> filters, int size) throws IOException {
    List<Float> query = new ArrayList<>(vector.length);
    for (float v : vector) {
      query.add(v);
    }
    // The knn query runs in the search's one query phase (the top-level knn section adds a phase
    // of its own before it).
    SearchResponse<JsonNode> response =
        searching(
            () ->
                client.search(
                    s ->
                        s.index(ALIAS)
                            .size(size)
                            .query(
                                q ->
                                    q.knn(
                                        k ->
                                            k.field("embedding")
                                                .queryVector(query)
                                                .k(size)
                                                .numCandidates(Math.max(50, 2 * size))
                                                .filter(filters)))
                            .source(src -> src.filter(f -> f.includes(HIT_FIELDS))),
                    JsonNode.class));
    return hits(response);
  }

  static Query term(String field, String value) {
    return Query.of(q -> q.term(t -> t.field(field).value(FieldValue.of(value))));
  }

  private static List<ContentHit> hits(SearchResponse<JsonNode> response) {
    List<ContentHit> out = new ArrayList<>();
    for (Hit<JsonNode> hit : response.hits().hits()) {
      out.add(hit(hit));
    }
    return out;
  }

  private static ContentHit hit(Hit<JsonNode> hit) {
    {
      JsonNode s = hit.source();
      List<String> products = new ArrayList<>();
      s.path("product_ids").forEach(n -> products.add(n.asText()));
      return new ContentHit(
          hit.id(),
          s.path("type").asText(),
          text(s, "kind"),
          s.path("locale").asText(),
          s.path("title").asText(),
          s.path("body").asText(),
          products,
          text(s, "category"),
          text(s, "brand"),
          0,
          0,
          hit.score() == null ? 0 : hit.score());
    }
  }

  private static String text(JsonNode s, String field) {
    return s.hasNonNull(field) ? s.get(field).asText() : null;
  }

  /** Every index of this content index (the live one and any left by a failed rebuild). */
  public List<String> indices() throws IOException {
    Map<String, ?> all = client.indices().get(g -> g.index(PREFIX + "*")).result();
    return List.copyOf(all.keySet());
  }

  @Override
  public void close() {
    try {
      rest.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
