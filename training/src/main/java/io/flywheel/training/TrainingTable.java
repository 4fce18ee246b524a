package io.flywheel.training;

import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.ImpressionContext;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Training examples as models see them: one row of FP32 values per example in {@link
 * ModelTrainer#featureNames()} order (NaN where missing; on-demand impression features computed as
 * the row is added), with only the ids, time, position and labels that splitting, judging and
 * lineage need. Examples are converted as they stream past, so a million of them take ~0.3 GB
 * instead of the several GB their per-example feature maps would.
 */
public final class TrainingTable {
  private static final String CONTEXT_PREFIX = TrainingExample.column(ImpressionContext.VIEW, "");

  private final List<String> columns;
  private final float[] values;
  private final String[] eventIds;
  private final String[] requestKeys;
  private final long[] timestamps;
  private final int[] positions;
  private final boolean[] clicked;
  private final boolean[] purchased;
  private final int size;

  private TrainingTable(
      List<String> columns,
      float[] values,
      String[] eventIds,
      String[] requestKeys,
      long[] timestamps,
      int[] positions,
      boolean[] clicked,
      boolean[] purchased,
      int size) {
    this.columns = columns;
    this.values = values;
    this.eventIds = eventIds;
    this.requestKeys = requestKeys;
    this.timestamps = timestamps;
    this.positions = positions;
    this.clicked = clicked;
    this.purchased = purchased;
    this.size = size;
  }

  /** A table of these examples (for small sets already in memory). */
  public static TrainingTable of(List<TrainingExample> examples, ShopCatalog catalog) {
    Builder b = builder(catalog);
    examples.forEach(b);
    return b.build();
  }

  /**
   * The feature store's examples whose impression date is in [from, to] under {@code home}, read as
   * they stream from the offline Parquet files (a million fit in a small heap).
   */
  public static TrainingTable fromStore(
      Path home, LocalDate from, LocalDate to, ShopCatalog catalog) {
    Builder builder = builder(catalog);
    FeatureStore.offline(home).forEachTrainingExample(from, to, builder);
    return builder.build();
  }

  public static Builder builder(ShopCatalog catalog) {
    return new Builder(catalog);
  }

  /** Adds examples one at a time (a {@link Consumer}, to hand to a streaming reader). */
  public static final class Builder implements Consumer<TrainingExample> {
    private final ShopCatalog catalog;
    private List<String> columns = ModelTrainer.featureNames();
    private final int baseWidth = columns.size();
    private int width = baseWidth;
    private java.util.function.Function<TrainingExample, float[]> extra;
    private final Map<String, String> requests = new HashMap<>();
    private float[] values = new float[0];
    private String[] eventIds = new String[0];
    private String[] requestKeys = new String[0];
    private long[] timestamps = new long[0];
    private int[] positions = new int[0];
    private boolean[] clicked = new boolean[0];
    private boolean[] purchased = new boolean[0];
    private int size;

    private Builder(ShopCatalog catalog) {
      this.catalog = catalog;
    }

    /**
     * Appends columns computed from each example by {@code values} (for diagnostics that give a
     * model information the store does not have); call before adding examples.
     */
    public Builder extraColumns(
        List<String> names, java.util.function.Function<TrainingExample, float[]> values) {
      if (size > 0) {
        throw new IllegalStateException("extraColumns: call before adding examples");
      }
      List<String> all = new java.util.ArrayList<>(columns);
      all.addAll(names);
      columns = List.copyOf(all);
      width = columns.size();
      extra = values;
      return this;
    }

    @Override
    public void accept(TrainingExample x) {
      if (size == eventIds.length) {
        grow();
      }
      Map<String, Double> context = ImpressionContext.of(x, catalog);
      int at = size * width;
      for (int col = 0; col < baseWidth; col++) {
        values[at + col] = value(x, context, columns.get(col));
      }
      if (extra != null) {
        float[] more = extra.apply(x);
        System.arraycopy(more, 0, values, at + baseWidth, width - baseWidth);
      }
      eventIds[size] = x.eventId();
      String request = x.requestId() == null ? x.eventId() : x.requestId();
      requestKeys[size] = requests.computeIfAbsent(request, r -> r); // one String per request
      timestamps[size] = x.timestamp();
      positions[size] = x.position() == null ? Integer.MAX_VALUE : x.position();
      clicked[size] = x.clicked();
      purchased[size] = x.purchased();
      size++;
    }

    private void grow() {
      int capacity = Math.max(1024, eventIds.length + (eventIds.length >> 1));
      values = Arrays.copyOf(values, capacity * width);
      eventIds = Arrays.copyOf(eventIds, capacity);
      requestKeys = Arrays.copyOf(requestKeys, capacity);
      timestamps = Arrays.copyOf(timestamps, capacity);
      positions = Arrays.copyOf(positions, capacity);
      clicked = Arrays.copyOf(clicked, capacity);
      purchased = Arrays.copyOf(purchased, capacity);
    }

    public TrainingTable build() {
      return new TrainingTable(
          columns,
          Arrays.copyOf(values, size * width),
          Arrays.copyOf(eventIds, size),
          Arrays.copyOf(requestKeys, size),
          Arrays.copyOf(timestamps, size),
          Arrays.copyOf(positions, size),
          Arrays.copyOf(clicked, size),
          Arrays.copyOf(purchased, size),
          size);
    }
  }

  private static float value(TrainingExample x, Map<String, Double> context, String name) {
    if (name.equals("position")) {
      return x.position() == null ? Float.NaN : x.position();
    }
    if (name.startsWith(CONTEXT_PREFIX)) {
      Double v = context.get(name.substring(CONTEXT_PREFIX.length()));
      return v == null ? Float.NaN : v.floatValue();
    }
    Object v = x.features().get(name);
    return v instanceof Number n ? n.floatValue() : Float.NaN;
  }

  public int size() {
    return size;
  }

  public List<String> columns() {
    return columns;
  }

  public String eventId(int row) {
    return eventIds[row];
  }

  /** The request the example was shown in (its own event id when it had none). */
  public String requestKey(int row) {
    return requestKeys[row];
  }

  public long timestamp(int row) {
    return timestamps[row];
  }

  /** The slot position, {@link Integer#MAX_VALUE} when unknown. */
  public int position(int row) {
    return positions[row];
  }

  public boolean clicked(int row) {
    return clicked[row];
  }

  public boolean purchased(int row) {
    return purchased[row];
  }

  /** These rows, in this order, as a new table. */
  public TrainingTable select(int[] rows) {
    int width = columns.size();
    float[] v = new float[rows.length * width];
    String[] ids = new String[rows.length];
    String[] requests = new String[rows.length];
    long[] times = new long[rows.length];
    int[] pos = new int[rows.length];
    boolean[] c = new boolean[rows.length];
    boolean[] p = new boolean[rows.length];
    for (int i = 0; i < rows.length; i++) {
      int r = rows[i];
      System.arraycopy(values, r * width, v, i * width, width);
      ids[i] = eventIds[r];
      requests[i] = requestKeys[r];
      times[i] = timestamps[r];
      pos[i] = positions[r];
      c[i] = clicked[r];
      p[i] = purchased[r];
    }
    return new TrainingTable(columns, v, ids, requests, times, pos, c, p, rows.length);
  }

  /**
   * All rows' values of {@code names} (a subset of the columns), row-major. For all the columns in
   * order this is the table's own array: read it, do not change it.
   */
  public float[] values(List<String> names) {
    if (names.equals(columns)) {
      return values;
    }
    int width = columns.size();
    int[] index = new int[names.size()];
    for (int k = 0; k < index.length; k++) {
      index[k] = columns.indexOf(names.get(k));
      if (index[k] < 0) {
        throw new IllegalArgumentException(
            "features: '" + names.get(k) + "' is not a column " + "of the training table");
      }
    }
    float[] out = new float[size * index.length];
    for (int r = 0; r < size; r++) {
      for (int k = 0; k < index.length; k++) {
        out[r * index.length + k] = values[r * width + index[k]];
      }
    }
    return out;
  }
}
