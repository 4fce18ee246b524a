package io.flywheel.featurestore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Avro schemas (written as Parquet) of feature snapshots and training examples. */
final class OfflineSchemas {
  private static final Schema TIMESTAMP =
      LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
  private static final Schema SCORED_ITEM =
      SchemaBuilder.record("scored_item")
          .namespace("io.flywheel.offline")
          .fields()
          .requiredString("id")
          .requiredDouble("score")
          .endRecord();

  private final FeatureRegistry registry;
  private final Map<String, Schema> snapshots = new LinkedHashMap<>();
  private Schema trainingExample;

  OfflineSchemas(FeatureRegistry registry) {
    this.registry = registry;
    for (FeatureView view : registry.views()) {
      SchemaBuilder.FieldAssembler<Schema> fields =
          SchemaBuilder.record(view.name())
              .namespace("io.flywheel.features.v" + view.version())
              .fields()
              .requiredString("entity_key")
              .name("as_of")
              .type(TIMESTAMP)
              .noDefault();
      for (FeatureSpec feature : view.features()) {
        fields = optional(fields, feature.name(), feature.type());
      }
      snapshots.put(view.name(), fields.endRecord());
    }
  }

  private static SchemaBuilder.FieldAssembler<Schema> optional(
      SchemaBuilder.FieldAssembler<Schema> fields, String name, FeatureType type) {
    return switch (type) {
      case NUMBER -> fields.optionalDouble(name);
      case TEXT -> fields.optionalString(name);
      case RANKED -> fields.name(name).type().optional().array().items(SCORED_ITEM);
    };
  }

  Schema snapshot(FeatureView view) {
    return snapshots.get(view.name());
  }

  /** Built on first use: a registry without the example views can still hold snapshots. */
  synchronized Schema trainingExample() {
    if (trainingExample == null) {
      trainingExample = buildTrainingExample();
    }
    return trainingExample;
  }

  private Schema buildTrainingExample() {
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record("training_example")
            .namespace("io.flywheel.features")
            .fields()
            .requiredString("event_id")
            .requiredString("request_id")
            .requiredString("user_id")
            .optionalString("product_id")
            .requiredString("content_id")
            .optionalString("campaign_id")
            .optionalString("experiment_id")
            .optionalString("arm")
            .optionalString("variant_id")
            .optionalInt("position")
            .optionalDouble("propensity")
            .name("timestamp")
            .type(TIMESTAMP)
            .noDefault()
            .requiredBoolean("clicked")
            .requiredBoolean("purchased");
    for (String viewName : TrainingExample.FEATURE_VIEWS) {
      FeatureView view = registry.view(viewName);
      for (FeatureSpec feature : view.features()) {
        fields = optional(fields, TrainingExample.column(viewName, feature.name()), feature.type());
      }
    }
    return fields.endRecord();
  }

  GenericRecord toRecord(FeatureView view, Schema schema, FeatureVector vector) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("entity_key", vector.key());
    record.put("as_of", vector.asOf());
    for (FeatureSpec feature : view.features()) {
      record.put(feature.name(), toAvro(vector.values().get(feature.name())));
    }
    return record;
  }

  FeatureVector toVector(FeatureView view, GenericRecord record) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (FeatureSpec feature : view.features()) {
      Object value = fromAvro(record.get(feature.name()));
      if (value != null) {
        values.put(feature.name(), value);
      }
    }
    return new FeatureVector(
        view.name(), record.get("entity_key").toString(), (Long) record.get("as_of"), values);
  }

  GenericRecord toRecord(Schema schema, TrainingExample e) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("event_id", e.eventId());
    record.put("request_id", e.requestId());
    record.put("user_id", e.userId());
    record.put("product_id", e.productId());
    record.put("content_id", e.contentId());
    record.put("campaign_id", e.campaignId());
    record.put("experiment_id", e.experimentId());
    record.put("arm", e.arm());
    record.put("variant_id", e.variantId());
    record.put("position", e.position());
    record.put("propensity", e.propensity());
    record.put("timestamp", e.timestamp());
    record.put("clicked", e.clicked());
    record.put("purchased", e.purchased());
    for (Map.Entry<String, Object> feature : e.features().entrySet()) {
      if (schema.getField(feature.getKey()) == null) {
        throw new IllegalArgumentException(
            "training example "
                + e.eventId()
                + ": unknown feature column '"
                + feature.getKey()
                + "'");
      }
      record.put(feature.getKey(), toAvro(feature.getValue()));
    }
    return record;
  }

  TrainingExample toExample(GenericRecord r) {
    Map<String, Object> features = new LinkedHashMap<>();
    for (String viewName : TrainingExample.FEATURE_VIEWS) {
      for (FeatureSpec feature : registry.view(viewName).features()) {
        String column = TrainingExample.column(viewName, feature.name());
        Object value = fromAvro(r.get(column));
        if (value != null) {
          features.put(column, value);
        }
      }
    }
    return new TrainingExample(
        text(r, "event_id"),
        text(r, "request_id"),
        text(r, "user_id"),
        text(r, "product_id"),
        text(r, "content_id"),
        text(r, "campaign_id"),
        text(r, "experiment_id"),
        text(r, "arm"),
        text(r, "variant_id"),
        (Integer) r.get("position"),
        (Double) r.get("propensity"),
        (Long) r.get("timestamp"),
        (Boolean) r.get("clicked"),
        (Boolean) r.get("purchased"),
        features);
  }

  private static String text(GenericRecord r, String field) {
    Object value = r.get(field);
    return value == null ? null : value.toString();
  }

  private static Object toAvro(Object value) {
    if (value instanceof List<?> items) {
      List<GenericRecord> records = new ArrayList<>(items.size());
      for (Object item : items) {
        ScoredItem scored = (ScoredItem) item;
        GenericRecord record = new GenericData.Record(SCORED_ITEM);
        record.put("id", scored.id());
        record.put("score", scored.score());
        records.add(record);
      }
      return records;
    }
    return value instanceof Number n ? n.doubleValue() : value;
  }

  private static Object fromAvro(Object value) {
    if (value instanceof List<?> items) {
      List<ScoredItem> out = new ArrayList<>(items.size());
      for (Object item : items) {
        GenericRecord record = (GenericRecord) item;
        out.add(new ScoredItem(record.get("id").toString(), (Double) record.get("score")));
      }
      return out;
    }
    return value instanceof CharSequence text ? text.toString() : value;
  }
}
