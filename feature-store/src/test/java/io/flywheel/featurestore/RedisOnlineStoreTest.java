package io.flywheel.featurestore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

class RedisOnlineStoreTest extends OnlineStoreContract {
  private static RedisServer server;

  @TempDir static Path redisDir;

  @BeforeAll
  static void startRedis() throws Exception {
    server = RedisServer.start(redisDir);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    server.close();
  }

  @Override
  OnlineStore open() throws Exception {
    try (RedisClient admin = RedisClient.create(java.net.URI.create(server.url()))) {
      admin.flushDB(); // tests share one server; each starts from an empty store
    }
    return OnlineStore.open(Path.of("unused"), server.url(), Clock.systemUTC());
  }

  @Override
  void elapse(long millis) throws InterruptedException {
    Thread.sleep(millis); // Redis expires keys on its own clock.
  }

  @Test
  void describesTheServerWithoutCredentials() {
    assertThat(store.describe()).isEqualTo("redis:" + server.url().substring("redis://".length()));
  }
}
