package io.flywheel.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.mlflow.api.proto.MlflowArtifacts.FileInfo;

/**
 * Artifact files behind the MLflow artifact proxy: paths are relative to one root folder and must
 * stay inside it. Uploads land in a temporary file first and are moved into place, so a reader
 * never sees half a file.
 */
final class ArtifactStore {
  private final Path root;

  ArtifactStore(Path root) throws IOException {
    this.root = Files.createDirectories(root).toRealPath();
  }

  Path resolve(String path) {
    if (path == null) {
      throw MlflowError.invalid("path", "is required");
    }
    String relative = path.startsWith("/") ? path.substring(1) : path;
    Path resolved = root.resolve(relative).normalize();
    if (!resolved.startsWith(root) || relative.contains("\0")) {
      throw MlflowError.invalid("path", "'" + path + "' leaves the artifact root");
    }
    return resolved;
  }

  void write(String path, InputStream body) throws IOException {
    Path target = resolve(path);
    if (target.equals(root) || Files.isDirectory(target)) {
      throw MlflowError.invalid("path", "'" + path + "' is a directory");
    }
    Files.createDirectories(target.getParent());
    Path partial = Files.createTempFile(target.getParent(), ".upload-", ".part");
    try {
      Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  Path file(String path) {
    Path file = resolve(path);
    if (!Files.isRegularFile(file)) {
      throw MlflowError.missing("Artifact '" + path + "'");
    }
    return file;
  }

  /** The entries directly under {@code path}, named relative to it, as MLflow lists them. */
  List<FileInfo> list(String path) throws IOException {
    Path dir = resolve(path == null ? "" : path);
    List<FileInfo> files = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.sorted().toList()) {
        String name = entry.getFileName().toString();
        if (name.startsWith(".upload-")) {
          continue;
        }
        FileInfo.Builder info =
            FileInfo.newBuilder().setPath(name).setIsDir(Files.isDirectory(entry));
        if (!info.getIsDir()) {
          info.setFileSize(Files.size(entry));
        }
        files.add(info.build());
      }
    }
    return files;
  }

  void delete(String path) throws IOException {
    Path target = resolve(path);
    if (target.equals(root)) {
      throw MlflowError.invalid("path", "the artifact root cannot be deleted");
    }
    if (!Files.exists(target)) {
      throw MlflowError.missing("Artifact '" + path + "'");
    }
    try (Stream<Path> walk = Files.walk(target)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
