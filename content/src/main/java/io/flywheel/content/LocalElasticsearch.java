package io.flywheel.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A single-node Elasticsearch for one Flywheel home, run from Elasticsearch's own Maven-distributed
 * zip (no download, no package): bound to 127.0.0.1, security off (loopback only), data under
 * {@code HOME/elasticsearch}. Elasticsearch refuses to run as root, so when Flywheel runs as root
 * the node runs as the unprivileged user {@value #USER} (created if missing). {@link #close} stops
 * it.
 */
public final class LocalElasticsearch implements AutoCloseable {
  /** The distribution version the build fetches; the client must share its major version. */
  public static final String VERSION = "8.19.21";

  public static final String USER = "flywheel-es";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final Process process;
  private final String url;
  private final Path dir;

  private LocalElasticsearch(Process process, String url, Path dir) {
    this.process = process;
    this.url = url;
    this.dir = dir;
  }

  /**
   * Starts a node whose data lives in {@code dir} (kept between runs) and waits until it answers.
   *
   * @param port the HTTP port, 0 for any free one
   * @param heapMb the node's heap
   */
  public static LocalElasticsearch start(Path dir, int port, int heapMb, Consumer<String> log)
      throws IOException, InterruptedException {
    Path dist = distribution(log);
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root && !reachable(dir)) {
      Path moved = fallbackDir(dir);
      log.accept(
          "elasticsearch: "
              + dir
              + " is not reachable by the user "
              + USER
              + " (a parent is private); its data lives in "
              + moved);
      dir = moved;
    }
    Files.createDirectories(dir);
    Path config = dir.resolve("config");
    Path data = dir.resolve("data");
    Path logs = dir.resolve("logs");
    Path tmp = dir.resolve("tmp");
    if (!Files.isDirectory(config)) {
      copyTree(dist.resolve("config"), config);
    }
    for (Path p : List.of(data, logs, tmp)) {
      Files.createDirectories(p);
    }
    int httpPort = port == 0 ? freePort() : port;
    List<String> command = new ArrayList<>();
    if (root) {
      ensureUser(log);
      chownTree(dir);
      command.addAll(List.of("runuser", "-u", USER, "--"));
    }
    command.add(dist.resolve("bin/elasticsearch").toString());
    for (String setting :
        List.of(
            "cluster.name=flywheel",
            "node.name=flywheel-local",
            "discovery.type=single-node",
            "network.host=127.0.0.1",
            "http.port=" + httpPort,
            "path.data=" + data,
            "path.logs=" + logs,
            "xpack.security.enabled=false",
            // A nearly full laptop disk must not turn the index read-only mid-demo.
            "cluster.routing.allocation.disk.threshold_enabled=false")) {
      command.add("-E");
      command.add(setting);
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.put("ES_JAVA_HOME", System.getProperty("java.home"));
    env.remove("JAVA_HOME");
    env.put("ES_PATH_CONF", config.toString());
    env.put("ES_TMPDIR", tmp.toString());
    env.put("ES_JAVA_OPTS", "-Xms" + heapMb + "m -Xmx" + heapMb + "m");
    Path out = logs.resolve("console.log");
    builder.redirectErrorStream(true).redirectOutput(out.toFile());
    log.accept(
        "elasticsearch: starting " + VERSION + " on 127.0.0.1:" + httpPort + " (" + dir + ")");
    Process process = builder.start();
    String url = "http://127.0.0.1:" + httpPort;
    LocalElasticsearch node = new LocalElasticsearch(process, url, dir);
    try {
      node.awaitHealthy(out);
    } catch (IOException | RuntimeException | InterruptedException e) {
      node.close();
      throw e;
    }
    return node;
  }

  public String url() {
    return url;
  }

  public Path dir() {
    return dir;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the node (as Ctrl-C would) and waits for it to exit. */
  @Override
  public void close() {
    // The launcher runs the server as a child process: stop every descendant, then the launcher.
    List<ProcessHandle> all =
        Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
  }

  private void awaitHealthy(Path consoleLog) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "elasticsearch exited with "
                + process.exitValue()
                + "; its output ends:\n"
                + tail(consoleLog));
      }
      if (healthy(url)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IOException(
        "elasticsearch did not answer within "
            + START_TIMEOUT.toSeconds()
            + " s; its output"
            + " ends:\n"
            + tail(consoleLog));
  }

  /** True when {@code url}'s cluster answers with status green or yellow. */
  public static boolean healthy(String url) {
    try {
      HttpURLConnection c =
          (HttpURLConnection) URI.create(url + "/_cluster/health").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(2000);
      if (c.getResponseCode() != 200) {
        return false;
      }
      try (InputStream in = c.getInputStream()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return body.contains("\"status\":\"green\"") || body.contains("\"status\":\"yellow\"");
      }
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /**
   * The unpacked distribution, shared by every node of this machine (read-only once unpacked):
   * unzipped once from the zip the build left beside Flywheel's classes.
   */
  static Path distribution(Consumer<String> log) throws IOException {
    Path cache = Path.of(System.getProperty("java.io.tmpdir"), "flywheel-elasticsearch-" + VERSION);
    Path home = cache.resolve("elasticsearch-" + VERSION);
    if (Files.isRegularFile(home.resolve("bin/elasticsearch"))) {
      return home;
    }
    Path zip = locateZip();
    log.accept("elasticsearch: unpacking " + zip.getFileName() + " (once per machine)");
    Files.createDirectories(cache);
    Path staging = Files.createTempDirectory(cache, ".unpack-");
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        Path target = staging.resolve(entry.getName()).normalize();
        if (!target.startsWith(staging)) {
          throw new IOException("zip entry outside the distribution: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path unpacked = staging.resolve("elasticsearch-" + VERSION);
    try (Stream<Path> files = Files.walk(unpacked)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Set<PosixFilePermission> perms =
            EnumSet.of(
                PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.OTHERS_READ);
        if (Files.isDirectory(p) || unpacked.relativize(p).startsWith("bin")) {
          perms.add(PosixFilePermission.OWNER_EXECUTE);
          perms.add(PosixFilePermission.GROUP_EXECUTE);
          perms.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        Files.setPosixFilePermissions(p, perms);
      }
    }
    Files.setPosixFilePermissions(
        cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      Files.move(unpacked, home, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
      // Another process unpacked it first: use theirs.
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot move the distribution into " + home, e);
    }
    deleteTree(staging);
    return home;
  }

  /** The zip beside this module's classes (content/target, or the CLI's target), else Maven's. */
  static Path locateZip() throws IOException {
    String name = "elasticsearch-" + VERSION + ".zip";
    Path here;
    try {
      here =
          Path.of(
              LocalElasticsearch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<Path> candidates =
        List.of(
            here.getParent().resolve(name),
            here.getParent().getParent().resolve(name),
            Path.of(
                System.getProperty("user.home"),
                ".m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch",
                VERSION,
                name));
    for (Path c : candidates) {
      if (Files.isRegularFile(c)) {
        return c;
      }
    }
    throw new IOException(
        "no "
            + name
            + " near "
            + here
            + " nor in the Maven repository: build with `mvn package`,"
            + " or set ELASTICSEARCH_URL to a running cluster");
  }

  private static void ensureUser(Consumer<String> log) throws IOException, InterruptedException {
    if (run(List.of("id", "-u", USER)) == 0) {
      return;
    }
    log.accept("elasticsearch: creating the system user " + USER + " (Elasticsearch refuses root)");
    int rc =
        run(
            List.of(
                "useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER));
    if (rc != 0 && run(List.of("id", "-u", USER)) != 0) {
      throw new IOException("could not create the user " + USER + " (useradd exited " + rc + ")");
    }
  }

  /** Whether the node's user can walk down to {@code dir} (every parent searchable by others). */
  static boolean reachable(Path dir) throws IOException {
    for (Path p = dir.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p)
          && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        return false;
      }
    }
    return true;
  }

  /** Where a home's node keeps its data when the home itself is private to root. */
  static Path fallbackDir(Path dir) {
    String key = Integer.toHexString(dir.toAbsolutePath().normalize().toString().hashCode());
    return Path.of("/var/tmp/flywheel-elasticsearch", key);
  }

  private static void chownTree(Path dir) throws IOException, InterruptedException {
    int rc = run(List.of("chown", "-R", USER + ":", dir.toString()));
    if (rc != 0) {
      throw new IOException("chown " + dir + " to " + USER + " failed (" + rc + ")");
    }
  }

  private static int run(List<String> command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return p.waitFor();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
