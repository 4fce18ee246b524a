package io.flywheel.content;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real Elasticsearch node per test JVM, started on first use and stopped when the JVM exits;
 * its data lives in a fresh temporary directory.
 */
final class TestElasticsearch {
  private static LocalElasticsearch node;

  private TestElasticsearch() {}

  static synchronized String url() throws Exception {
    if (node == null) {
      Path dir = Files.createTempDirectory("flywheel-es-test");
      node = LocalElasticsearch.start(dir, 0, 512, System.out::println);
      LocalElasticsearch started = node;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close));
    }
    return node.url();
  }
}
