package io.flywheel.workflows;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's own Java service ({@code temporal-test-server}) on a loopback port: the local default
 * when {@code TEMPORAL_ADDRESS} is not set. It binds 127.0.0.1 only (the service has no
 * authentication), runs in real time, and keeps everything in memory: a restart forgets all runs,
 * which is why Flywheel keeps its own run index.
 */
public final class LocalTemporal implements AutoCloseable {
  private final TestServicesStarter services;
  private final Server server;

  private LocalTemporal(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
  }

  /** Starts on 127.0.0.1:{@code port} (0 picks a free one). */
  public static LocalTemporal start(int port) throws IOException {
    // Time skipping locked: workflow timers follow the wall clock, as on a real cluster.
    TestServicesStarter services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port));
    for (BindableService service : services.getServices()) {
      builder.addService(service);
    }
    try {
      return new LocalTemporal(services, builder.build().start());
    } catch (IOException e) {
      services.close();
      throw e;
    }
  }

  public String address() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    services.close();
  }
}
