package io.flywheel.deploy;

import com.google.protobuf.UnsafeByteOperations;
import io.flywheel.deploy.triton.GRPCInferenceServiceGrpc;
import io.flywheel.deploy.triton.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelInferRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelInferResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelMetadataRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelMetadataResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelReadyRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelStatistics;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelStatisticsRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.RepositoryIndexRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.RepositoryIndexResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.RepositoryModelLoadRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.RepositoryModelUnloadRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ServerLiveRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Flywheel's client of Triton's gRPC protocol (KServe v2): health, metadata, inference with FP32
 * rows sent as {@code raw_input_contents}, repository index, explicit load/unload and statistics. A
 * bounded pool of channels (requests spread round-robin), a deadline on every call, and retries
 * with backoff when the server is UNAVAILABLE. {@code TRITON_GRPC_ADDRESS} names a real Triton;
 * otherwise callers pass the embedded server's address.
 */
public final class InferenceClient implements AutoCloseable {
  static final int MAX_MESSAGE_BYTES = 64 << 20;

  /** Connection settings. */
  public record Settings(int channels, Duration deadline, int attempts, Duration backoff) {
    public Settings {
      if (channels < 1 || attempts < 1) {
        throw new IllegalArgumentException("channels and attempts must be at least 1");
      }
    }

    public static Settings defaults() {
      return new Settings(4, Duration.ofSeconds(10), 3, Duration.ofMillis(100));
    }
  }

  private final String address;
  private final Settings settings;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();

  private InferenceClient(String address, Settings settings) {
    this.address = address;
    this.settings = settings;
    for (int i = 0; i < settings.channels(); i++) {
      NettyChannelBuilder builder =
          NettyChannelBuilder.forTarget(address)
              .usePlaintext()
              .maxInboundMessageSize(MAX_MESSAGE_BYTES);
      if (settings.attempts() > 1) {
        builder.defaultServiceConfig(retryingServiceConfig(settings)).enableRetry();
      }
      channels.add(builder.build());
    }
  }

  /** A client of the server at {@code host:port}. */
  public static InferenceClient connect(String address) {
    return connect(address, Settings.defaults());
  }

  public static InferenceClient connect(String address, Settings settings) {
    if (address == null || !address.matches("[^:/\\s]+:\\d{1,5}")) {
      throw new IllegalArgumentException("address: expected host:port, got '" + address + "'");
    }
    return new InferenceClient(address, settings);
  }

  public String address() {
    return address;
  }

  /**
   * Lets every channel try to connect now instead of waiting out its reconnect back-off (which
   * grows to two minutes while a server is down): for callers that see a restarted server.
   */
  public void resetConnectBackoff() {
    channels.forEach(ManagedChannel::resetConnectBackoff);
  }

  public boolean live() {
    return call(s -> s.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
  }

  public boolean ready() {
    return call(s -> s.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
  }

  public boolean modelReady(String model, String version) {
    return call(
        s ->
            s.modelReady(
                    ModelReadyRequest.newBuilder()
                        .setName(model)
                        .setVersion(version == null ? "" : version)
                        .build())
                .getReady());
  }

  public ModelMetadataResponse metadata(String model) {
    return call(s -> s.modelMetadata(ModelMetadataRequest.newBuilder().setName(model).build()));
  }

  /**
   * Scores {@code rows} rows of {@code columns} FP32 features (row-major) with the given version
   * ({@code null}: the server's choice) and returns {@code output__0}, one per row.
   */
  public Scores infer(String model, String version, float[] values, int rows, int columns) {
    if (values.length != rows * columns) {
      throw new IllegalArgumentException(
          "values: " + values.length + " floats for " + rows + " rows x " + columns + " columns");
    }
    ByteBuffer raw =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName(model)
            .setModelVersion(version == null ? "" : version)
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(FilModelConfig.INPUT)
                    .setDatatype("FP32")
                    .addShape(rows)
                    .addShape(columns))
            .addOutputs(
                ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                    .setName(FilModelConfig.OUTPUT))
            .addRawInputContents(UnsafeByteOperations.unsafeWrap(raw.array()))
            .build();
    ModelInferResponse response = call(s -> s.modelInfer(request));
    return new Scores(response.getModelVersion(), decode(response, rows));
  }

  /** Scores and the version that produced them. */
  public record Scores(String version, float[] values) {}

  /**
   * One score per row: the last column of {@code output__0} (a classifier's p of (1 - p, p), a
   * ranker's only value), from the raw or the typed contents.
   */
  private static float[] decode(ModelInferResponse response, int rows) {
    int columns =
        response.getOutputsCount() > 0 && response.getOutputs(0).getShapeCount() == 2
            ? (int) response.getOutputs(0).getShape(1)
            : 1;
    float[] all = new float[rows * columns];
    if (response.getRawOutputContentsCount() > 0) {
      ByteBuffer b =
          response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (b.remaining() != all.length * Float.BYTES) {
        throw new IllegalStateException(
            "output__0: " + b.remaining() + " bytes for " + rows + " rows of " + columns);
      }
      b.asFloatBuffer().get(all);
    } else {
      List<Float> values = response.getOutputs(0).getContents().getFp32ContentsList();
      if (values.size() != all.length) {
        throw new IllegalStateException(
            "output__0: " + values.size() + " values for " + rows + " rows of " + columns);
      }
      for (int i = 0; i < all.length; i++) {
        all[i] = values.get(i);
      }
    }
    float[] out = new float[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = all[i * columns + columns - 1];
    }
    return out;
  }

  public RepositoryIndexResponse repositoryIndex() {
    return call(s -> s.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()));
  }

  public void load(String model) {
    call(
        s ->
            s.repositoryModelLoad(
                RepositoryModelLoadRequest.newBuilder().setModelName(model).build()));
  }

  public void unload(String model) {
    call(
        s ->
            s.repositoryModelUnload(
                RepositoryModelUnloadRequest.newBuilder().setModelName(model).build()));
  }

  public List<ModelStatistics> statistics(String model) {
    return call(
        s ->
            s.modelStatistics(ModelStatisticsRequest.newBuilder().setName(model).build())
                .getModelStatsList());
  }

  /**
   * gRPC's own retry policy (a service config): calls that fail UNAVAILABLE (server restarting,
   * connection refused) are retried with exponential backoff inside the channel, within the call's
   * deadline; every other status is the answer.
   */
  static Map<String, Object> retryingServiceConfig(Settings settings) {
    Map<String, Object> retryPolicy =
        Map.of(
            "maxAttempts",
            (double) settings.attempts(),
            "initialBackoff",
            settings.backoff().toMillis() / 1000.0 + "s",
            "maxBackoff",
            Math.max(1.0, settings.backoff().toMillis() / 1000.0 * 16) + "s",
            "backoffMultiplier",
            2.0,
            "retryableStatusCodes",
            List.of(Status.Code.UNAVAILABLE.name()));
    Map<String, Object> methods =
        Map.of(
            "name",
            List.of(Map.of("service", GRPCInferenceServiceGrpc.SERVICE_NAME)),
            "retryPolicy",
            retryPolicy);
    return Map.of("methodConfig", List.of(methods));
  }

  private <T> T call(Function<GRPCInferenceServiceBlockingStub, T> rpc) {
    ManagedChannel channel = channels.get(Math.floorMod(next.getAndIncrement(), channels.size()));
    GRPCInferenceServiceBlockingStub stub =
        GRPCInferenceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(settings.deadline().toMillis(), TimeUnit.MILLISECONDS);
    try {
      return rpc.apply(stub);
    } catch (StatusRuntimeException e) {
      throw new InferenceException(address, e);
    }
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels) {
      channel.shutdown();
    }
    for (ManagedChannel channel : channels) {
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.shutdownNow();
      }
    }
  }

  /** A call the server refused or could not answer, with its gRPC status. */
  public static final class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Status.Code code;

    InferenceException(String address, StatusRuntimeException cause) {
      super(
          cause.getStatus().getCode()
              + " from "
              + address
              + ": "
              + cause.getStatus().getDescription(),
          cause);
      this.code = cause.getStatus().getCode();
    }

    public Status.Code code() {
      return code;
    }
  }
}
