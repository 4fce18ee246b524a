package io.flywheel.featurestore;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

/**
 * The online store on a Redis server: one hash per entity ({@code asOf}, {@code v}) with a TTL. The
 * newer-wins check and the write run as one Lua script, so concurrent writers are safe.
 */
final class RedisOnlineStore implements OnlineStore {
  private static final String UPSERT =
      """
      local current = redis.call('HGET', KEYS[1], 'asOf')
      if current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
      redis.call('HSET', KEYS[1], 'asOf', ARGV[1], 'v', ARGV[2])
      redis.call('PEXPIRE', KEYS[1], ARGV[3])
      return 1
      """;

  private final RedisClient redis;
  private final Clock clock;
  private final String endpoint;
  private final String upsertSha;

  RedisOnlineStore(String url, Clock clock) {
    URI uri = URI.create(url);
    this.redis = RedisClient.create(uri);
    this.clock = clock;
    // Never log credentials: describe the server by host and port only.
    this.endpoint = uri.getHost() + ":" + uri.getPort();
    this.upsertSha = redis.scriptLoad(UPSERT);
  }

  private static String key(FeatureView view, String key) {
    return "flywheel:" + view.qualifiedName() + ":" + key;
  }

  @Override
  public int upsertAll(FeatureView view, Collection<FeatureVector> vectors) {
    long now = clock.millis();
    String ttl = Long.toString(view.ttl().toMillis());
    List<Response<Object>> results = new ArrayList<>(vectors.size());
    try (AbstractPipeline pipeline = redis.pipelined()) {
      for (FeatureVector v : vectors) {
        String encoded = new String(FeatureVectorCodec.encode(v, now), StandardCharsets.UTF_8);
        results.add(
            pipeline.evalsha(
                upsertSha,
                List.of(key(view, v.key())),
                List.of(Long.toString(v.asOf()), encoded, ttl)));
      }
      pipeline.sync();
    }
    int written = 0;
    for (Response<Object> result : results) {
      written += ((Number) result.get()).intValue();
    }
    return written;
  }

  @Override
  public Map<String, FeatureVector> getMany(FeatureView view, Collection<String> keys) {
    List<String> wanted = List.copyOf(keys);
    List<Response<String>> values = new ArrayList<>(wanted.size());
    try (AbstractPipeline pipeline = redis.pipelined()) {
      for (String k : wanted) {
        values.add(pipeline.hget(key(view, k), "v"));
      }
      pipeline.sync();
    }
    Map<String, FeatureVector> found = new LinkedHashMap<>();
    for (int i = 0; i < wanted.size(); i++) {
      String value = values.get(i).get();
      if (value != null) {
        found.put(
            wanted.get(i),
            FeatureVectorCodec.decode(view, wanted.get(i), value.getBytes(StandardCharsets.UTF_8))
                .vector());
      }
    }
    return found;
  }

  @Override
  public String describe() {
    return "redis:" + endpoint;
  }

  @Override
  public void close() {
    redis.close();
  }
}
