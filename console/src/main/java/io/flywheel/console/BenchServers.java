package io.flywheel.console;

import io.flywheel.content.LocalElasticsearch;
import io.flywheel.deploy.EmbeddedInferenceServer;
import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.ModelRepository;
import io.flywheel.workflows.ModelDeployment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The inference server and the content index node a delivery benchmark runs against, embedded and
 * on fixed ports, so either can be stopped and started again while delivery keeps serving (the gRPC
 * channel and the Elasticsearch client reconnect to the same address).
 */
final class BenchServers implements AutoCloseable {
  private final Path home;
  private final ModelRepository repository;
  private final int grpcPort;
  private final int elasticsearchPort;
  private final InferenceClient client;
  private EmbeddedInferenceServer inference;
  private LocalElasticsearch elasticsearch;

  private BenchServers(Path home, ModelRepository repository, int grpcPort, int esPort)
      throws Exception {
    this.home = home;
    this.repository = repository;
    this.grpcPort = grpcPort;
    this.elasticsearchPort = esPort;
    startInference();
    this.client = InferenceClient.connect("127.0.0.1:" + grpcPort);
    resumeModels();
    startIndex();
  }

  static BenchServers start(Path home, io.flywheel.core.FlywheelConfig config) throws Exception {
    ModelRepository repository = new ModelRepository(ModelDeployment.repositoryRoot(home, config));
    Files.createDirectories(repository.root());
    return new BenchServers(home, repository, freePort(), freePort());
  }

  InferenceClient client() {
    return client;
  }

  String elasticsearchUrl() {
    return "http://127.0.0.1:" + elasticsearchPort;
  }

  synchronized void stopInference() {
    if (inference != null) {
      inference.close();
      inference = null;
    }
  }

  synchronized void startInference() throws IOException {
    if (inference == null) {
      inference = EmbeddedInferenceServer.start(repository.root(), "127.0.0.1", grpcPort, 0);
      if (client != null) {
        resumeModels();
      }
    }
  }

  private void resumeModels() throws IOException {
    StringWriter quiet = new StringWriter();
    ServedModels.resumeAll(
        home, repository, client, inference, new PrintWriter(quiet), new PrintWriter(quiet));
  }

  synchronized void stopIndex() {
    if (elasticsearch != null) {
      elasticsearch.close();
      elasticsearch = null;
    }
  }

  synchronized void startIndex() throws Exception {
    if (elasticsearch == null) {
      elasticsearch =
          LocalElasticsearch.start(
              home.resolve("elasticsearch"), elasticsearchPort, 512, line -> {});
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    stopIndex();
    stopInference();
    client.close();
  }
}
