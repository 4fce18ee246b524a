package io.flywheel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.deploy.triton.GRPCInferenceServiceGrpc;
import io.flywheel.deploy.triton.GrpcServiceProto.ServerLiveRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ServerLiveResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Retries come from gRPC's service-config policy: UNAVAILABLE is retried, nothing else. */
class InferenceClientRetryTest {

  /** A real gRPC server on a loopback port that answers {@code failures} times with a status. */
  private static Server flaky(Status status, int failures, AtomicInteger calls) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(
            new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {
              @Override
              public void serverLive(
                  ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
                if (calls.incrementAndGet() <= failures) {
                  out.onError(status.withDescription("try again").asRuntimeException());
                  return;
                }
                out.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
                out.onCompleted();
              }
            })
        .build()
        .start();
  }

  private static InferenceClient client(Server server, int attempts) {
    return InferenceClient.connect(
        "127.0.0.1:" + server.getPort(),
        new InferenceClient.Settings(1, Duration.ofSeconds(10), attempts, Duration.ofMillis(20)));
  }

  @Test
  void anUnavailableServerIsRetriedUntilItAnswers() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Server server = flaky(Status.UNAVAILABLE, 2, calls);
    try (InferenceClient client = client(server, 3)) {
      assertThat(client.live()).isTrue();
      assertThat(calls.get()).isEqualTo(3);
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void retriesStopAtTheConfiguredAttempts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Server server = flaky(Status.UNAVAILABLE, 10, calls);
    try (InferenceClient client = client(server, 3)) {
      assertThatThrownBy(client::live)
          .isInstanceOf(InferenceClient.InferenceException.class)
          .hasMessageContaining("UNAVAILABLE");
      assertThat(calls.get()).isEqualTo(3);
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void otherFailuresAreTheAnswerAndNotRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Server server = flaky(Status.INVALID_ARGUMENT, 10, calls);
    try (InferenceClient client = client(server, 3)) {
      assertThatThrownBy(client::live)
          .isInstanceOf(InferenceClient.InferenceException.class)
          .hasMessageContaining("INVALID_ARGUMENT");
      assertThat(calls.get()).isEqualTo(1);
    } finally {
      server.shutdownNow();
    }
  }
}
