package io.flywheel.content;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.core.LocalServices;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The content index a command or a pipeline task uses: the configured cluster ({@code
 * ELASTICSEARCH_URL}), else the node {@code flywheel up} runs for the home, else a node started for
 * this caller alone and stopped on {@link #close()}.
 */
public final class ContentIndexConnection implements AutoCloseable {
  private final ContentIndex index;
  private final LocalElasticsearch startedNode;
  private final String url;

  private ContentIndexConnection(ContentIndex index, LocalElasticsearch startedNode, String url) {
    this.index = index;
    this.startedNode = startedNode;
    this.url = url;
  }

  public static ContentIndexConnection open(
      Path home, FlywheelConfig config, int dimensions, Consumer<String> log)
      throws IOException, InterruptedException {
    if (config.elasticsearchUrl() != null) {
      String url = config.elasticsearchUrl();
      return new ContentIndexConnection(
          ContentIndex.connect(url, config.elasticsearchApiKey(), dimensions), null, url);
    }
    Optional<LocalServices.Service> running = LocalServices.find(home, LocalServices.ELASTICSEARCH);
    if (running.isPresent() && LocalElasticsearch.healthy(running.get().url())) {
      String url = running.get().url();
      return new ContentIndexConnection(ContentIndex.connect(url, null, dimensions), null, url);
    }
    log.accept(
        "content: starting a local Elasticsearch for this command (`flywheel up` keeps one"
            + " running)");
    LocalElasticsearch node = LocalElasticsearch.start(home.resolve("elasticsearch"), 0, 512, log);
    return new ContentIndexConnection(
        ContentIndex.connect(node.url(), null, dimensions), node, node.url());
  }

  public ContentIndex index() {
    return index;
  }

  public String url() {
    return url;
  }

  /** Whether the node was started for this connection (and stops with it). */
  public boolean startedHere() {
    return startedNode != null;
  }

  @Override
  public void close() {
    index.close();
    if (startedNode != null) {
      startedNode.close();
    }
  }
}
