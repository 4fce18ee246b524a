package io.flywheel.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.mlflow.api.proto.Service.TraceInfo;
import org.mlflow.api.proto.Service.TraceRequestMetadata;
import org.mlflow.api.proto.Service.TraceStatus;
import org.mlflow.api.proto.Service.TraceTag;

/**
 * MLflow's traces: started, ended, tagged, searched and deleted as MLflow's tracking server does
 * (request ids {@code tr-<32 hex>}, status IN_PROGRESS until ended, the trace's artifact location
 * in the {@code mlflow.artifactLocation} tag, where clients upload the spans).
 */
final class TraceStore extends AggregateStore {
  static final String ARTIFACT_LOCATION = "mlflow.artifactLocation";
  private final ExperimentStore experiments;

  TraceStore(TrackingDatabase db, ExperimentStore experiments) {
    super(db);
    this.experiments = experiments;
  }

  TraceInfo start(
      String experimentId,
      long timestampMs,
      List<TraceRequestMetadata> metadata,
      List<TraceTag> tags) {
    long exp = ExperimentStore.key(experimentId);
    experiments.get(experimentId); // refuses an unknown experiment
    String requestId = "tr-" + HexFormat.of().formatHex(uuidBytes(UUID.randomUUID()));
    Map<String, String> tagMap = merge(Map.of(), tags, TraceTag::getKey, TraceTag::getValue);
    tagMap.putIfAbsent(
        ARTIFACT_LOCATION,
        "mlflow-artifacts:/" + experimentId + "/traces/" + requestId + "/artifacts");
    TraceInfo info =
        build(
            requestId,
            experimentId,
            timestampMs,
            null,
            TraceStatus.IN_PROGRESS,
            merge(Map.of(), metadata, TraceRequestMetadata::getKey, TraceRequestMetadata::getValue),
            tagMap);
    change(
        sql ->
            sql.update(
                "INSERT INTO traces (request_id, experiment_id, timestamp_ms, info_json) "
                    + "VALUES (?, ?, ?, ?)",
                requestId,
                exp,
                timestampMs,
                ProtoJson.print(info)));
    return info;
  }

  TraceInfo end(
      String requestId,
      long timestampMs,
      TraceStatus status,
      List<TraceRequestMetadata> metadata,
      List<TraceTag> tags) {
    return update(
        requestId,
        old ->
            build(
                requestId,
                old.getExperimentId(),
                old.getTimestampMs(),
                Math.max(0, timestampMs - old.getTimestampMs()),
                status == TraceStatus.TRACE_STATUS_UNSPECIFIED ? TraceStatus.OK : status,
                merge(
                    metadata(old),
                    metadata,
                    TraceRequestMetadata::getKey,
                    TraceRequestMetadata::getValue),
                merge(tags(old), tags, TraceTag::getKey, TraceTag::getValue)));
  }

  TraceInfo get(String requestId) {
    return read(sql -> find(sql, requestId));
  }

  void setTag(String requestId, String key, String value) {
    Validation.requireText("key", key, 250);
    update(
        requestId,
        old -> {
          Map<String, String> tags = tags(old);
          tags.put(key, value == null ? "" : value);
          return old.toBuilder().clearTags().addAllTags(tagList(tags)).build();
        });
  }

  void deleteTag(String requestId, String key) {
    update(
        requestId,
        old -> {
          Map<String, String> tags = tags(old);
          if (tags.remove(key) == null) {
            throw MlflowError.missing("Tag '" + key + "' of trace " + requestId);
          }
          return old.toBuilder().clearTags().addAllTags(tagList(tags)).build();
        });
  }

  /** Traces of the experiments matching the filter, newest first unless ordered otherwise. */
  List<TraceInfo> search(List<String> experimentIds, SearchFilter filter, List<String> orderBy) {
    if (experimentIds.isEmpty()) {
      throw MlflowError.invalid("experiment_ids", "at least one experiment id is required");
    }
    List<TraceInfo> found = new ArrayList<>();
    for (String id : experimentIds) {
      long exp = ExperimentStore.key(id);
      found.addAll(
          read(
              sql ->
                  sql.list(
                      "SELECT info_json FROM traces WHERE experiment_id = ?",
                      rs -> ProtoJson.parse(rs.getString(1), TraceInfo.newBuilder()).build(),
                      exp)));
    }
    List<TraceInfo> matching =
        found.stream().filter(t -> filter.matches(c -> value(t, c))).toList();
    Comparator<TraceInfo> order = null;
    for (String clause : orderBy) {
      String[] words = clause.trim().split("\\s+");
      String key = words[0].replaceFirst("^attributes\\.", "");
      boolean descending = words.length > 1 && words[1].equalsIgnoreCase("DESC");
      Comparator<TraceInfo> c =
          switch (key) {
            case "timestamp_ms", "timestamp" -> Comparator.comparingLong(TraceInfo::getTimestampMs);
            case "execution_time_ms", "execution_time" ->
                Comparator.comparingLong(TraceInfo::getExecutionTimeMs);
            case "status" -> Comparator.comparing(t -> t.getStatus().name());
            case "request_id" -> Comparator.comparing(TraceInfo::getRequestId);
            default ->
                throw MlflowError.invalid(
                    "order_by",
                    "'"
                        + clause
                        + "': traces are ordered by timestamp_ms, "
                        + "execution_time_ms, status or request_id");
          };
      c = descending ? c.reversed() : c;
      order = order == null ? c : order.thenComparing(c);
    }
    Comparator<TraceInfo> byDefault =
        Comparator.comparingLong(TraceInfo::getTimestampMs)
            .reversed()
            .thenComparing(TraceInfo::getRequestId);
    List<TraceInfo> out = new ArrayList<>(matching);
    out.sort(order == null ? byDefault : order.thenComparing(byDefault));
    return out;
  }

  /**
   * Deletes the named traces, or those of an experiment older than {@code maxTimestampMillis}
   * (oldest first, at most {@code maxTraces} when positive); returns how many went.
   */
  int delete(String experimentId, Long maxTimestampMillis, int maxTraces, List<String> requestIds) {
    long exp = ExperimentStore.key(experimentId);
    if (requestIds.isEmpty() == (maxTimestampMillis == null)) {
      throw MlflowError.invalid(
          "delete-traces", "give either request_ids or max_timestamp_millis, not both");
    }
    return write(
        sql -> {
          List<String> ids =
              !requestIds.isEmpty()
                  ? requestIds
                  : sql.list(
                      "SELECT request_id FROM traces WHERE experiment_id = ? AND timestamp_ms <= ? "
                          + "ORDER BY timestamp_ms, request_id",
                      rs -> rs.getString(1),
                      exp,
                      maxTimestampMillis);
          int deleted = 0;
          for (String id : ids) {
            if (maxTraces > 0 && deleted == maxTraces) {
              break;
            }
            deleted +=
                sql.update(
                    "DELETE FROM traces WHERE request_id = ? AND experiment_id = ?", id, exp);
          }
          return deleted;
        });
  }

  private TraceInfo update(String requestId, Function<TraceInfo, TraceInfo> change) {
    return write(
        sql -> {
          TraceInfo updated = change.apply(find(sql, requestId));
          sql.update(
              "UPDATE traces SET info_json = ? WHERE request_id = ?",
              ProtoJson.print(updated),
              requestId);
          return updated;
        });
  }

  private static TraceInfo find(Sql sql, String requestId) {
    return sql.first(
            "SELECT info_json FROM traces WHERE request_id = ?",
            rs -> ProtoJson.parse(rs.getString(1), TraceInfo.newBuilder()).build(),
            Validation.requireText("request_id", requestId, 50))
        .orElseThrow(() -> MlflowError.missing("Trace '" + requestId + "'"));
  }

  private static String value(TraceInfo t, SearchFilter.Clause c) {
    return switch (c.entity()) {
      case "tags" -> tags(t).get(c.key());
      case "attributes" ->
          switch (c.key().toLowerCase(Locale.ROOT)) {
            case "timestamp_ms", "timestamp" -> Long.toString(t.getTimestampMs());
            case "execution_time_ms", "execution_time" ->
                t.hasExecutionTimeMs() ? Long.toString(t.getExecutionTimeMs()) : null;
            case "status" -> t.getStatus().name();
            case "request_id" -> t.getRequestId();
            default -> throw MlflowError.invalid("filter", "unknown trace attribute " + c.key());
          };
      default -> throw MlflowError.invalid("filter", "traces have no " + c.entity());
    };
  }

  private static TraceInfo build(
      String requestId,
      String experimentId,
      long timestampMs,
      Long executionTimeMs,
      TraceStatus status,
      Map<String, String> metadata,
      Map<String, String> tags) {
    TraceInfo.Builder b =
        TraceInfo.newBuilder()
            .setRequestId(requestId)
            .setExperimentId(experimentId)
            .setTimestampMs(timestampMs)
            .setStatus(status);
    if (executionTimeMs != null) {
      b.setExecutionTimeMs(executionTimeMs);
    }
    metadata.forEach(
        (k, v) -> b.addRequestMetadata(TraceRequestMetadata.newBuilder().setKey(k).setValue(v)));
    b.addAllTags(tagList(tags));
    return b.build();
  }

  private static Map<String, String> metadata(TraceInfo t) {
    Map<String, String> out = new LinkedHashMap<>();
    t.getRequestMetadataList().forEach(m -> out.put(m.getKey(), m.getValue()));
    return out;
  }

  private static Map<String, String> tags(TraceInfo t) {
    Map<String, String> out = new LinkedHashMap<>();
    t.getTagsList().forEach(m -> out.put(m.getKey(), m.getValue()));
    return out;
  }

  private static List<TraceTag> tagList(Map<String, String> tags) {
    List<TraceTag> out = new ArrayList<>();
    tags.forEach((k, v) -> out.add(TraceTag.newBuilder().setKey(k).setValue(v).build()));
    return out;
  }

  private static <T> Map<String, String> merge(
      Map<String, String> base, List<T> more, Function<T, String> key, Function<T, String> value) {
    Map<String, String> out = new LinkedHashMap<>(base);
    for (T item : more) {
      out.put(key.apply(item), value.apply(item));
    }
    return out;
  }

  private static byte[] uuidBytes(UUID id) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
    b.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    return b.array();
  }
}
