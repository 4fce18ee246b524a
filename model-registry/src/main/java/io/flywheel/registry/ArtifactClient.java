package io.flywheel.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.mlflow.api.proto.MlflowArtifacts.FileInfo;
import org.mlflow.api.proto.MlflowArtifacts.ListArtifacts;

/**
 * Moves artifact files through MLflow's artifact proxy ({@code mlflow-artifacts:} URIs), which a
 * real MLflow server started with artifact serving and the embedded server both provide. {@code
 * mlflow-client}'s own artifact methods shell out to Python, which Flywheel cannot assume.
 */
final class ArtifactClient {
  private static final String SCHEME = "mlflow-artifacts:";

  private final String base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  ArtifactClient(String trackingUri, String token) {
    this.base =
        trackingUri.endsWith("/")
            ? trackingUri.substring(0, trackingUri.length() - 1)
            : trackingUri;
    this.token = token;
  }

  /** The proxy path of {@code relative} under a run's or version's artifact URI. */
  static String proxyPath(String artifactUri, String relative) {
    if (artifactUri == null || !artifactUri.startsWith(SCHEME)) {
      throw new RegistryException(
          "artifact location '"
              + artifactUri
              + "' is not served by "
              + "MLflow's artifact proxy; start the MLflow server with artifact serving "
              + "(--serve-artifacts, the default) and an mlflow-artifacts: root");
    }
    String path = artifactUri.substring(SCHEME.length());
    if (path.startsWith("//")) { // mlflow-artifacts://host:port/path
      int slash = path.indexOf('/', 2);
      path = slash < 0 ? "" : path.substring(slash);
    }
    path = path.replaceAll("^/+", "").replaceAll("/+$", "");
    String rel = relative == null ? "" : relative.replaceAll("^/+", "").replaceAll("/+$", "");
    return rel.isEmpty() ? path : path.isEmpty() ? rel : path + "/" + rel;
  }

  void upload(Path file, String proxyPath) throws IOException {
    HttpRequest.Builder request =
        request(MlflowCompatibleServer.ARTIFACTS + "/" + encodePath(proxyPath))
            .PUT(HttpRequest.BodyPublishers.ofFile(file))
            .header("Content-Type", "application/octet-stream");
    send(request.build(), HttpResponse.BodyHandlers.discarding(), "upload " + proxyPath);
  }

  void uploadTree(Path dir, String proxyPath) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        String rel = dir.relativize(file).toString().replace('\\', '/');
        upload(file, proxyPath.isEmpty() ? rel : proxyPath + "/" + rel);
      }
    }
  }

  List<FileInfo> list(String proxyPath) throws IOException {
    HttpRequest request =
        request(
                MlflowCompatibleServer.ARTIFACTS
                    + "?path="
                    + URLEncoder.encode(proxyPath, StandardCharsets.UTF_8))
            .GET()
            .build();
    String body = send(request, HttpResponse.BodyHandlers.ofString(), "list " + proxyPath);
    return ProtoJson.parse(body, ListArtifacts.Response.newBuilder()).build().getFilesList();
  }

  /** The bytes of the file at {@code proxyPath}. */
  byte[] read(String proxyPath) throws IOException {
    HttpRequest request =
        request(MlflowCompatibleServer.ARTIFACTS + "/" + encodePath(proxyPath)).GET().build();
    return send(request, HttpResponse.BodyHandlers.ofByteArray(), "read " + proxyPath);
  }

  /** Downloads the file or folder at {@code proxyPath} into {@code target}. */
  void download(String proxyPath, Path target) throws IOException {
    List<FileInfo> entries = list(proxyPath);
    if (entries.isEmpty()) {
      Files.createDirectories(target.getParent());
      HttpRequest request =
          request(MlflowCompatibleServer.ARTIFACTS + "/" + encodePath(proxyPath)).GET().build();
      send(request, HttpResponse.BodyHandlers.ofFile(target), "download " + proxyPath);
      return;
    }
    Files.createDirectories(target);
    for (FileInfo entry : entries) {
      String name =
          entry.getPath().contains("/")
              ? entry.getPath().substring(entry.getPath().lastIndexOf('/') + 1)
              : entry.getPath();
      download(proxyPath + "/" + name, target.resolve(name));
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5));
    if (token != null && !token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private <T> T send(HttpRequest request, HttpResponse.BodyHandler<T> handler, String what)
      throws IOException {
    try {
      HttpResponse<T> response = http.send(request, handler);
      if (response.statusCode() / 100 != 2) {
        Object body = response.body();
        throw new RegistryException(
            "artifact "
                + what
                + " at "
                + base
                + " failed: HTTP "
                + response.statusCode()
                + (body instanceof String s ? " " + s : ""));
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during artifact " + what, e);
    }
  }

  private static String encodePath(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      parts.add(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return String.join("/", parts);
  }
}
