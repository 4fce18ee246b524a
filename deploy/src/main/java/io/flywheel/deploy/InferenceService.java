package io.flywheel.deploy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.flywheel.deploy.triton.GRPCInferenceServiceGrpc;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelConfigRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelConfigResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelInferRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelInferResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelMetadataRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelMetadataResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelReadyRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelReadyResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelStatisticsRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ModelStatisticsResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.RepositoryIndexRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.RepositoryIndexResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.RepositoryModelLoadRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.RepositoryModelLoadResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.RepositoryModelUnloadRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.RepositoryModelUnloadResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.ServerLiveRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ServerLiveResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.ServerMetadataRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ServerMetadataResponse;
import io.flywheel.deploy.triton.GrpcServiceProto.ServerReadyRequest;
import io.flywheel.deploy.triton.GrpcServiceProto.ServerReadyResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KServe v2 / Triton gRPC service over the {@link ModelStore}, answering as Triton does:
 * unknown model or version NOT_FOUND, a wrong input name, datatype or shape INVALID_ARGUMENT naming
 * the tensor, a failed load INVALID_ARGUMENT with the reason.
 */
final class InferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);
  static final String SERVER_NAME = "flywheel-embedded-triton";
  private static final long INFER_TIMEOUT_SECONDS = 30;

  private final ModelStore store;

  InferenceService(ModelStore store) {
    this.store = store;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
    reply(out, ServerLiveResponse.newBuilder().setLive(true).build());
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
    reply(out, ServerReadyResponse.newBuilder().setReady(true).build());
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
    reply(
        out,
        ServerMetadataResponse.newBuilder()
            .setName(SERVER_NAME)
            .setVersion("0.1.0")
            .addExtensions("model_repository")
            .addExtensions("statistics")
            .build());
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
    reply(
        out,
        ModelReadyResponse.newBuilder()
            .setReady(store.find(request.getName(), request.getVersion()) != null)
            .build());
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
    LoadedModel model = store.find(request.getName(), request.getVersion());
    if (model == null) {
      notFound(out, request.getName(), request.getVersion());
      return;
    }
    ModelMetadataResponse.Builder b =
        ModelMetadataResponse.newBuilder()
            .setName(model.name)
            .setPlatform("fil")
            .addInputs(
                ModelMetadataResponse.TensorMetadata.newBuilder()
                    .setName(FilModelConfig.INPUT)
                    .setDatatype("FP32")
                    .addShape(-1)
                    .addShape(model.features))
            .addOutputs(
                ModelMetadataResponse.TensorMetadata.newBuilder()
                    .setName(FilModelConfig.OUTPUT)
                    .setDatatype("FP32")
                    .addShape(-1)
                    .addShape(FilModelConfig.outputColumns(model.config)));
    store.loadedVersions(model.name).forEach(v -> b.addVersions(Integer.toString(v)));
    reply(out, b.build());
  }

  @Override
  public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> out) {
    LoadedModel model = store.find(request.getName(), request.getVersion());
    if (model == null) {
      notFound(out, request.getName(), request.getVersion());
      return;
    }
    reply(out, ModelConfigResponse.newBuilder().setConfig(model.config).build());
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    LoadedModel model = store.find(request.getModelName(), request.getModelVersion());
    if (model == null) {
      notFound(out, request.getModelName(), request.getModelVersion());
      return;
    }
    float[] rows;
    int count;
    try {
      if (request.getInputsCount() != 1) {
        throw invalid(
            "expected 1 input tensor '"
                + FilModelConfig.INPUT
                + "', got "
                + request.getInputsCount());
      }
      var input = request.getInputs(0);
      if (!FilModelConfig.INPUT.equals(input.getName())) {
        throw invalid(
            "unexpected inference input '"
                + input.getName()
                + "' for model '"
                + model.name
                + "' (expected '"
                + FilModelConfig.INPUT
                + "')");
      }
      if (!"FP32".equals(input.getDatatype())) {
        throw invalid(
            "inference input '"
                + input.getName()
                + "' data-type is '"
                + input.getDatatype()
                + "', but model '"
                + model.name
                + "' expects 'FP32'");
      }
      if (input.getShapeCount() != 2
          || input.getShape(1) != model.features
          || input.getShape(0) < 1) {
        throw invalid(
            "unexpected shape for input '"
                + input.getName()
                + "' for model '"
                + model.name
                + "'. Expected [-1,"
                + model.features
                + "], got "
                + input.getShapeList());
      }
      if (input.getShape(0) > model.config.getMaxBatchSize()) {
        throw invalid(
            "inference request batch-size must be <= "
                + model.config.getMaxBatchSize()
                + " for '"
                + model.name
                + "', got "
                + input.getShape(0)
                + " (input '"
                + input.getName()
                + "')");
      }
      for (var requested : request.getOutputsList()) {
        if (!FilModelConfig.OUTPUT.equals(requested.getName())) {
          throw invalid(
              "unexpected inference output '"
                  + requested.getName()
                  + "' for model '"
                  + model.name
                  + "'");
        }
      }
      count = (int) input.getShape(0);
      rows = values(request, input, count * model.features);
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    float[] scores;
    try {
      scores = model.submit(rows, count).get(INFER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("inference failed for {} version {}", model.name, model.version, e);
      out.onError(
          Status.INTERNAL
              .withDescription(
                  "inference failed for '"
                      + model.name
                      + "' version "
                      + model.version
                      + ": "
                      + e.getMessage())
              .asRuntimeException());
      return;
    }
    // As FIL fills output__0: (1 - p, p) per row when the config declares two columns.
    int columns = FilModelConfig.outputColumns(model.config);
    ByteBuffer raw =
        ByteBuffer.allocate(scores.length * columns * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float s : scores) {
      if (columns == 2) {
        raw.putFloat(1 - s);
      }
      raw.putFloat(s);
    }
    raw.flip();
    reply(
        out,
        ModelInferResponse.newBuilder()
            .setModelName(model.name)
            .setModelVersion(Integer.toString(model.version))
            .setId(request.getId())
            .addOutputs(
                ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(FilModelConfig.OUTPUT)
                    .setDatatype("FP32")
                    .addShape(count)
                    .addShape(columns))
            .addRawOutputContents(UnsafeByteOperations.unsafeWrap(raw))
            .build());
  }

  /** The input values from raw_input_contents (little-endian) or from fp32_contents. */
  private static float[] values(
      ModelInferRequest request, ModelInferRequest.InferInputTensor input, int expected) {
    if (request.getRawInputContentsCount() > 0) {
      if (input.hasContents()) {
        throw invalid(
            "input '" + input.getName() + "' has both contents and " + "raw_input_contents");
      }
      ByteString bytes = request.getRawInputContents(0);
      if (bytes.size() != expected * Float.BYTES) {
        throw invalid(
            "input '"
                + input.getName()
                + "' raw contents hold "
                + bytes.size()
                + " bytes; shape "
                + input.getShapeList()
                + " of FP32 needs "
                + expected * Float.BYTES);
      }
      float[] out = new float[expected];
      bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      return out;
    }
    List<Float> values = input.getContents().getFp32ContentsList();
    if (values.size() != expected) {
      throw invalid(
          "input '"
              + input.getName()
              + "' holds "
              + values.size()
              + " FP32 values; shape "
              + input.getShapeList()
              + " needs "
              + expected);
    }
    float[] out = new float[expected];
    for (int i = 0; i < expected; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  @Override
  public void modelStatistics(
      ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> out) {
    ModelStatisticsResponse.Builder b = ModelStatisticsResponse.newBuilder();
    for (Map.Entry<String, NavigableMap<Integer, LoadedModel>> e : store.all().entrySet()) {
      if (!request.getName().isEmpty() && !request.getName().equals(e.getKey())) {
        continue;
      }
      for (LoadedModel m : e.getValue().values()) {
        if (request.getVersion().isEmpty()
            || request.getVersion().equals(Integer.toString(m.version))) {
          b.addModelStats(m.statistics.toProto(m.name, Integer.toString(m.version)));
        }
      }
    }
    if (!request.getName().isEmpty() && b.getModelStatsCount() == 0) {
      notFound(out, request.getName(), request.getVersion());
      return;
    }
    reply(out, b.build());
  }

  @Override
  public void repositoryIndex(
      RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
    RepositoryIndexResponse.Builder b = RepositoryIndexResponse.newBuilder();
    try {
      for (String name : store.repository().models()) {
        List<Integer> loaded = store.loadedVersions(name);
        for (int version : store.repository().versions(name)) {
          boolean ready = loaded.contains(version);
          if (request.getReady() && !ready) {
            continue;
          }
          String failure = store.failure(name);
          b.addModels(
              RepositoryIndexResponse.ModelIndex.newBuilder()
                  .setName(name)
                  .setVersion(Integer.toString(version))
                  .setState(ready ? "READY" : "UNAVAILABLE")
                  .setReason(ready || failure == null ? (ready ? "" : "unloaded") : failure));
        }
      }
    } catch (IOException e) {
      LOG.error("cannot read the model repository", e);
      out.onError(
          Status.INTERNAL
              .withDescription("cannot read the repository: " + e.getMessage())
              .asRuntimeException());
      return;
    }
    reply(out, b.build());
  }

  @Override
  public void repositoryModelLoad(
      RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> out) {
    try {
      store.load(request.getModelName());
      reply(out, RepositoryModelLoadResponse.getDefaultInstance());
    } catch (ModelStore.ModelLoadException e) {
      Status status = e.notFound ? Status.NOT_FOUND : Status.INVALID_ARGUMENT;
      out.onError(
          status
              .withDescription("failed to load '" + request.getModelName() + "': " + e.getMessage())
              .asRuntimeException());
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void repositoryModelUnload(
      RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> out) {
    store.unload(request.getModelName());
    reply(out, RepositoryModelUnloadResponse.getDefaultInstance());
  }

  private static IllegalArgumentException invalid(String message) {
    return new IllegalArgumentException(message);
  }

  private static void notFound(StreamObserver<?> out, String name, String version) {
    out.onError(
        Status.NOT_FOUND
            .withDescription(
                "Request for unknown model: '"
                    + name
                    + "'"
                    + (version == null || version.isEmpty() ? "" : " version " + version)
                    + " is not found")
            .asRuntimeException());
  }

  private static <T> void reply(StreamObserver<T> out, T response) {
    out.onNext(response);
    out.onCompleted();
  }
}
