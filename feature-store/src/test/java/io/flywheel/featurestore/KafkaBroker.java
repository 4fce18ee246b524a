package io.flywheel.featurestore;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A single-node Kafka 4 broker in KRaft mode (broker and controller in one), started inside the
 * test JVM from Kafka's own server classes. Those classes (and their kafka-clients 4.x) live in a
 * classloader of their own, so Flink's connector keeps its kafka-clients 3.4. A test module that
 * uses it sets {@code kafka.broker.classpath} to testing/kafka-broker's {@code broker.classpath}.
 */
public final class KafkaBroker implements AutoCloseable {
  private final URLClassLoader loader;
  private final Object server;
  private final int port;

  private KafkaBroker(URLClassLoader loader, Object server, int port) {
    this.loader = loader;
    this.server = server;
    this.port = port;
  }

  /** Formats a log folder under {@code dir} and starts the broker on loopback ports. */
  public static KafkaBroker start(Path dir) throws Exception {
    URLClassLoader loader =
        new URLClassLoader("kafka-broker", brokerClasspath(), ClassLoader.getPlatformClassLoader());
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    // Kafka loads configured classes through the context classloader, and its threads
    // inherit it.
    thread.setContextClassLoader(loader);
    try {
      neverExitTheJvm(loader);
      Path logs = Files.createDirectories(dir.resolve("kafka-logs"));
      int port = freePort();
      int controllerPort = freePort();
      String clusterId =
          loader
              .loadClass("org.apache.kafka.common.Uuid")
              .getMethod("randomUuid")
              .invoke(null)
              .toString();

      Class<?> formatterType = loader.loadClass("org.apache.kafka.metadata.storage.Formatter");
      Object formatter = formatterType.getConstructor().newInstance();
      formatterType.getMethod("setNodeId", int.class).invoke(formatter, 1);
      formatterType.getMethod("setClusterId", String.class).invoke(formatter, clusterId);
      formatterType.getMethod("addDirectory", String.class).invoke(formatter, logs.toString());
      formatterType
          .getMethod("setMetadataLogDirectory", String.class)
          .invoke(formatter, logs.toString());
      formatterType
          .getMethod("setControllerListenerName", String.class)
          .invoke(formatter, "CONTROLLER");
      formatterType.getMethod("run").invoke(formatter);

      Map<String, String> props = new HashMap<>();
      props.put("process.roles", "broker,controller");
      props.put("node.id", "1");
      props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
      props.put(
          "listeners",
          "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
      props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
      props.put("controller.listener.names", "CONTROLLER");
      props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      props.put("inter.broker.listener.name", "PLAINTEXT");
      props.put("log.dirs", logs.toString());
      // One node: every internal topic has one replica, or consumer groups never form.
      props.put("offsets.topic.replication.factor", "1");
      props.put("offsets.topic.num.partitions", "1");
      props.put("transaction.state.log.replication.factor", "1");
      props.put("transaction.state.log.min.isr", "1");
      props.put("share.coordinator.state.topic.replication.factor", "1");
      props.put("share.coordinator.state.topic.min.isr", "1");
      props.put("group.initial.rebalance.delay.ms", "0");
      props.put("num.partitions", "1");

      Class<?> configType = loader.loadClass("kafka.server.KafkaConfig");
      Object config = configType.getConstructor(Map.class).newInstance(props);
      Class<?> timeType = loader.loadClass("org.apache.kafka.common.utils.Time");
      Class<?> serverType = loader.loadClass("kafka.server.KafkaRaftServer");
      Object server =
          serverType
              .getConstructor(configType, timeType)
              .newInstance(config, timeType.getField("SYSTEM").get(null));
      try {
        serverType.getMethod("startup").invoke(server);
      } catch (Exception e) {
        serverType.getMethod("shutdown").invoke(server);
        throw e;
      }
      return new KafkaBroker(loader, server, port);
    } catch (Exception e) {
      loader.close();
      throw e;
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() throws ReflectiveOperationException, IOException {
    Class<?> serverType = server.getClass();
    serverType.getMethod("shutdown").invoke(server);
    serverType.getMethod("awaitShutdown").invoke(server);
    loader.close();
  }

  /** A fatal broker fault must fail the test, not halt the JVM that runs it. */
  private static void neverExitTheJvm(ClassLoader loader) throws Exception {
    Class<?> exit = loader.loadClass("org.apache.kafka.common.utils.Exit");
    Class<?> procedure = loader.loadClass("org.apache.kafka.common.utils.Exit$Procedure");
    Object refuse =
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {procedure},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "hashCode":
                  return System.identityHashCode(proxy);
                case "equals":
                  return proxy == args[0];
                case "toString":
                  return "refuse-exit";
                default:
                  break;
              }
              throw new IllegalStateException(
                  "Kafka broker asked to exit: " + args[0] + " " + args[1]);
            });
    exit.getMethod("setHaltProcedure", procedure).invoke(null, refuse);
    exit.getMethod("setExitProcedure", procedure).invoke(null, refuse);
  }

  private static URL[] brokerClasspath() throws IOException {
    String file = System.getProperty("kafka.broker.classpath");
    if (file == null || !Files.isRegularFile(Path.of(file))) {
      throw new IllegalStateException(
          "kafka.broker.classpath "
              + file
              + ": missing; build the "
              + "testing/kafka-broker module first (mvn install from the repository root)");
    }
    List<URL> urls = new ArrayList<>();
    for (String jar : Files.readString(Path.of(file)).trim().split(java.io.File.pathSeparator)) {
      urls.add(Path.of(jar).toUri().toURL());
    }
    return urls.toArray(URL[]::new);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
