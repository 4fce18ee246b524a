package io.flywheel.flink;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink standalone session cluster as two JVM processes, a JobManager and a TaskManager, started
 * from the runtime's own entry points on loopback ports, the way Flink's scripts start them. Their
 * classpath is Flink and third-party jars only: Flywheel's classes must arrive in the submitted job
 * jar.
 */
final class FlinkSessionCluster implements AutoCloseable {
  private final Process jobManager;
  private final Process taskManager;
  private final Path dir;
  private final int restPort;

  private FlinkSessionCluster(Process jobManager, Process taskManager, Path dir, int restPort) {
    this.jobManager = jobManager;
    this.taskManager = taskManager;
    this.dir = dir;
    this.restPort = restPort;
  }

  static FlinkSessionCluster start(Path dir, int slots) throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("config.yaml"), "# every setting comes as -D\n");
    int rpcPort = freePort();
    int restPort = freePort();
    List<String> common = new ArrayList<>();
    for (String setting :
        List.of(
            "jobmanager.rpc.address=127.0.0.1",
            "jobmanager.rpc.port=" + rpcPort,
            "jobmanager.bind-host=127.0.0.1",
            "rest.address=127.0.0.1",
            "rest.bind-address=127.0.0.1",
            "rest.port=" + restPort,
            "taskmanager.host=127.0.0.1",
            "taskmanager.bind-host=127.0.0.1",
            "taskmanager.numberOfTaskSlots=" + slots)) {
      common.add("-D");
      common.add(setting);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = clusterClasspath();
    List<String> jvmOptions =
        new ArrayList<>(
            Arrays.asList(System.getProperty("flink.java.opts", "").trim().split("\\s+")));
    // The cluster's JVMs live as briefly as this one: they take its JIT tiers.
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(option -> option.startsWith("-XX:TieredStopAtLevel"))
        .forEach(jvmOptions::add);

    List<String> jm = new ArrayList<>(List.of(java, "-Xmx512m"));
    jm.addAll(jvmOptions);
    jm.addAll(
        List.of(
            "-cp",
            classpath,
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
            "--configDir",
            conf.toString()));
    jm.addAll(common);
    jm.addAll(List.of("-D", "io.tmp.dirs=" + Files.createDirectories(dir.resolve("jm-tmp"))));

    // What Flink's scripts compute with BashJavaUtils: the TaskManager's JVM sizes and the
    // memory settings it must be told explicitly.
    Configuration memory = new Configuration();
    memory.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse("1536m"));
    memory.set(TaskManagerOptions.MANAGED_MEMORY_FRACTION, 0.05f);
    memory.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
    TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(memory);
    List<String> tm = new ArrayList<>(List.of(java));
    tm.addAll(
        Arrays.asList(ProcessMemoryUtils.generateJvmParametersStr(spec).trim().split("\\s+")));
    tm.addAll(jvmOptions);
    tm.addAll(
        List.of(
            "-cp",
            classpath,
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            "--configDir",
            conf.toString()));
    tm.addAll(common);
    tm.addAll(List.of("-D", "io.tmp.dirs=" + Files.createDirectories(dir.resolve("tm-tmp"))));
    tm.addAll(
        Arrays.asList(
            TaskExecutorProcessUtils.generateDynamicConfigsStr(spec).trim().split("\\s+")));

    Process jobManager = launch(jm, dir.resolve("jobmanager.log"));
    Process taskManager = launch(tm, dir.resolve("taskmanager.log"));
    FlinkSessionCluster cluster = new FlinkSessionCluster(jobManager, taskManager, dir, restPort);
    try {
      cluster.awaitTaskManager(Duration.ofMinutes(2));
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  String restUrl() {
    return "http://127.0.0.1:" + restPort;
  }

  /** The JobManager's {@code /overview} JSON, as a client of the REST API would read it. */
  String overview() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(restUrl() + "/overview"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /** The last lines each process wrote (for failure messages). */
  String logs() throws IOException {
    StringBuilder text = new StringBuilder();
    for (String name : List.of("jobmanager.log", "taskmanager.log")) {
      List<String> lines = Files.readAllLines(dir.resolve(name));
      text.append("--- ")
          .append(name)
          .append('\n')
          .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())))
          .append('\n');
    }
    return text.toString();
  }

  private void awaitTaskManager(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!jobManager.isAlive() || !taskManager.isAlive()) {
        throw new IllegalStateException("a cluster process exited\n" + logs());
      }
      try {
        if (overview().contains("\"taskmanagers\":1")) {
          return;
        }
      } catch (IOException notYetListening) {
        // the JobManager is still starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("no TaskManager registered within " + timeout + "\n" + logs());
  }

  @Override
  public void close() {
    // TaskManager first, or it keeps trying to reach the JobManager.
    for (Process process : List.of(taskManager, jobManager)) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Process launch(List<String> command, Path log) throws IOException {
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** This JVM's classpath without Flywheel's modules and without the Kafka connector. */
  private static String clusterClasspath() {
    String root =
        Path.of(System.getProperty("flywheel.root", ".")).toAbsolutePath().normalize().toString();
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(
            entry -> {
              String path = Path.of(entry).toAbsolutePath().normalize().toString();
              String name = Path.of(entry).getFileName().toString();
              return !path.startsWith(root)
                  && !path.contains("/io/flywheel/")
                  && !name.startsWith("flink-connector-kafka")
                  && !name.startsWith("kafka-clients");
            })
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
