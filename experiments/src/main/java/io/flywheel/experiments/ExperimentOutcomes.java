package io.flywheel.experiments;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment's exposures and outcomes read from the event stream (the files delivery and the
 * collector append to): a shopper is exposed at their first impression logged with the experiment
 * (and counts for that arm from then on: intention to treat); clicks, impressions and purchases
 * after it are outcomes, purchases in the {@value #PRE_PERIOD_DAYS} days before it the pre-period
 * covariates. Malformed lines are counted and skipped; an event seen twice counts once (an
 * impression by its request and position, whoever logged it).
 *
 * <p>Built for tens of millions of exposures: two streaming passes over the files (the first parses
 * only lines that name the experiment), reading just the fields it needs, and shoppers and outcomes
 * in primitive arrays keyed by a 64-bit hash of the shopper id (a collision among 10 M shoppers has
 * a chance of about 3 in a million).
 */
public final class ExperimentOutcomes {
  static final int PRE_PERIOD_DAYS = 28;
  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte CLICK = 1;
  private static final byte IMPRESSION = 2;
  private static final byte PURCHASE = 3;

  // Exposed shoppers, by index.
  private final List<String> arms;
  private final String[] ids;
  private final long[] exposedAt;
  private final byte[] arm;
  private final double[] preOrders;
  private final double[] preRevenue;
  private final String covariateSource;
  // Outcomes after exposure: user index, time, kind, revenue.
  private final int[] eventUser;
  private final long[] eventAt;
  private final byte[] eventKind;
  private final float[] eventRevenue;
  private final int events;
  private final long malformed;
  private final long lastEvent;

  private ExperimentOutcomes(Exposures x, Outcomes o, long malformed, long lastEvent) {
    this.arms = x.arms;
    this.ids = Arrays.copyOf(x.ids, x.size);
    this.exposedAt = Arrays.copyOf(x.at, x.size);
    this.arm = Arrays.copyOf(x.arm, x.size);
    this.preOrders = o.preOrders;
    this.preRevenue = o.preRevenue;
    this.covariateSource = "events (" + PRE_PERIOD_DAYS + " days before exposure)";
    this.eventUser = o.user;
    this.eventAt = o.at;
    this.eventKind = o.kind;
    this.eventRevenue = o.revenue;
    this.events = o.size;
    this.malformed = malformed;
    this.lastEvent = lastEvent;
  }

  /**
   * A home's event files: delivery's and the collector's ({@code HOME/events/*.jsonl}), the learn
   * loop's stream ({@code HOME/live/events.jsonl}) and the world's history ({@code
   * HOME/world/events.jsonl}), those that exist.
   */
  public static List<Path> homeEventFiles(Path home) throws IOException {
    List<Path> files = new ArrayList<>();
    Path dir = home.resolve("events");
    if (Files.isDirectory(dir)) {
      try (java.util.stream.Stream<Path> list = Files.list(dir)) {
        list.filter(p -> p.toString().endsWith(".jsonl")).sorted().forEach(files::add);
      }
    }
    for (Path p :
        List.of(
            home.resolve("live").resolve("events.jsonl"),
            home.resolve("world").resolve("events.jsonl"))) {
      if (Files.isRegularFile(p)) {
        files.add(p);
      }
    }
    return files;
  }

  /** The fields of one line the analysis needs; null fields were absent. */
  private static final class Line {
    String eventId;
    String type;
    String userId;
    String requestId;
    long position = -1;
    String experimentId;
    String arm;
    double price = Double.NaN;
    long quantity = 1;
    long timestamp;

    void clear() {
      eventId = type = userId = requestId = experimentId = arm = null;
      position = -1;
      price = Double.NaN;
      quantity = 1;
      timestamp = 0;
    }

    /** Reads the line; false when it is not a usable event (not JSON, a required field missing). */
    boolean parse(byte[] bytes, int offset, int length) {
      clear();
      try (JsonParser p = JSON.createParser(bytes, offset, length)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return false;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          switch (name) {
            case "eventId" -> eventId = text(p, v);
            case "type" -> type = text(p, v);
            case "userId" -> userId = text(p, v);
            case "requestId" -> requestId = text(p, v);
            case "experimentId" -> experimentId = text(p, v);
            case "arm" -> arm = text(p, v);
            case "position" -> position = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
            case "price" -> price = v.isNumeric() ? p.getDoubleValue() : Double.NaN;
            case "quantity" -> quantity = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : 1;
            case "timestamp" -> timestamp = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : 0;
            default -> p.skipChildren();
          }
        }
      } catch (IOException | RuntimeException e) {
        return false;
      }
      return eventId != null
          && !eventId.isEmpty()
          && userId != null
          && !userId.isEmpty()
          && type != null
          && timestamp > 0;
    }

    private static String text(JsonParser p, JsonToken v) throws IOException {
      if (v == JsonToken.VALUE_STRING) {
        return p.getText();
      }
      p.skipChildren();
      return null;
    }

    /** What makes two lines the same event (see the class comment). */
    long identity() {
      return "impression".equals(type) && requestId != null && position >= 0
          ? mix(fnv(requestId) + 0x9E3779B97F4A7C15L * (position + 1))
          : hash(eventId);
    }
  }

  /** Exposed shoppers as pass 1 finds them. */
  private static final class Exposures {
    final List<String> arms = new ArrayList<>();
    final Long2IntOpenHashMap index = new Long2IntOpenHashMap();
    String[] ids = new String[1024];
    long[] at = new long[1024];
    byte[] arm = new byte[1024];
    int size;

    Exposures() {
      index.defaultReturnValue(-1);
    }

    void expose(String userId, String armName, long time) {
      int a = arms.indexOf(armName);
      if (a < 0) {
        if (arms.size() == Byte.MAX_VALUE) {
          return; // more arm names than any experiment has: not this experiment's data
        }
        arms.add(armName);
        a = arms.size() - 1;
      }
      long key = hash(userId);
      int i = index.get(key);
      if (i < 0) {
        if (size == ids.length) {
          ids = Arrays.copyOf(ids, size * 2);
          at = Arrays.copyOf(at, size * 2);
          arm = Arrays.copyOf(arm, size * 2);
        }
        i = size++;
        index.put(key, i);
        ids[i] = userId;
        at[i] = Long.MAX_VALUE;
      }
      if (time < at[i]) {
        at[i] = time;
        arm[i] = (byte) a;
      }
    }
  }

  /** Outcomes and pre-period purchases as pass 2 finds them. */
  private static final class Outcomes {
    final double[] preOrders;
    final double[] preRevenue;
    int[] user = new int[1024];
    long[] at = new long[1024];
    byte[] kind = new byte[1024];
    float[] revenue = new float[1024];
    int size;

    Outcomes(int users) {
      preOrders = new double[users];
      preRevenue = new double[users];
    }

    void add(int u, long time, byte k, double money) {
      if (size == user.length) {
        user = Arrays.copyOf(user, size * 2);
        at = Arrays.copyOf(at, size * 2);
        kind = Arrays.copyOf(kind, size * 2);
        revenue = Arrays.copyOf(revenue, size * 2);
      }
      user[size] = u;
      at[size] = time;
      kind[size] = k;
      revenue[size] = (float) money;
      size++;
    }
  }

  /**
   * Reads {@code files} once, each split into a byte range per core: every first delivery of an
   * impression, click or purchase is kept in compact form (about 21 bytes), exposures are found on
   * the way, and at the end each kept event is joined to its shopper's first exposure (an outcome
   * after it, a pre-period purchase before it, nothing for a shopper never exposed).
   */
  public static ExperimentOutcomes read(List<Path> files, String experimentId) throws IOException {
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    SeenEvents seen = new SeenEvents();
    record Part(Exposures exposures, Buffered events) {}
    List<Part> parts =
        parallel(
            threads,
            part -> {
              Exposures exposures = new Exposures();
              Buffered events = new Buffered();
              Line line = new Line();
              forEachLine(
                  files,
                  part,
                  threads,
                  (buf, off, len) -> {
                    if (!line.parse(buf, off, len)) {
                      events.malformed++;
                      return;
                    }
                    events.last = Math.max(events.last, line.timestamp);
                    byte kind =
                        switch (line.type) {
                          case "click" -> CLICK;
                          case "impression" -> IMPRESSION;
                          case "purchase" -> PURCHASE;
                          default -> 0;
                        };
                    // Before the duplicate check: of an impression logged by both server and
                    // page, only one copy may name the experiment, and either may come first.
                    if (kind == IMPRESSION
                        && experimentId.equals(line.experimentId)
                        && line.arm != null
                        && !line.arm.isEmpty()) {
                      exposures.expose(line.userId, line.arm, line.timestamp);
                    }
                    if (kind == 0 || !seen.add(line.identity())) {
                      return;
                    }
                    double money =
                        kind == PURCHASE && Double.isFinite(line.price)
                            ? line.price * line.quantity
                            : 0;
                    events.add(hash(line.userId), line.timestamp, kind, money);
                  });
              return new Part(exposures, events);
            });
    Exposures exposures = new Exposures();
    for (Part part : parts) {
      Exposures x = part.exposures();
      for (int i = 0; i < x.size; i++) {
        exposures.expose(x.ids[i], x.arms.get(x.arm[i]), x.at[i]);
      }
    }
    Outcomes outcomes = new Outcomes(exposures.size);
    long malformed = 0;
    long last = 0;
    for (Part part : parts) {
      Buffered b = part.events();
      for (int e = 0; e < b.size; e++) {
        int u = exposures.index.get(b.user[e]);
        if (u < 0) {
          continue;
        }
        long exposed = exposures.at[u];
        if (b.at[e] >= exposed) {
          outcomes.add(u, b.at[e], b.kind[e], b.revenue[e]);
        } else if (b.kind[e] == PURCHASE && b.at[e] >= exposed - PRE_PERIOD_DAYS * DAY) {
          outcomes.preOrders[u]++;
          outcomes.preRevenue[u] += b.revenue[e];
        }
      }
      malformed += b.malformed;
      last = Math.max(last, b.last);
    }
    return new ExperimentOutcomes(exposures, outcomes, malformed, last);
  }

  /** Every counted event of one reading thread: shopper key, time, kind, revenue. */
  private static final class Buffered {
    long[] user = new long[1024];
    long[] at = new long[1024];
    byte[] kind = new byte[1024];
    float[] revenue = new float[1024];
    int size;
    long malformed;
    long last;

    void add(long key, long time, byte k, double money) {
      if (size == user.length) {
        int grown = size + (size >> 1);
        user = Arrays.copyOf(user, grown);
        at = Arrays.copyOf(at, grown);
        kind = Arrays.copyOf(kind, grown);
        revenue = Arrays.copyOf(revenue, grown);
      }
      user[size] = key;
      at[size] = time;
      kind[size] = k;
      revenue[size] = (float) money;
      size++;
    }
  }

  /** Identities of counted events, in 64 locked stripes so the reading threads rarely wait. */
  private static final class SeenEvents {
    private final LongOpenHashSet[] stripes = new LongOpenHashSet[64];

    SeenEvents() {
      for (int i = 0; i < stripes.length; i++) {
        stripes[i] = new LongOpenHashSet();
      }
    }

    boolean add(long identity) {
      LongOpenHashSet stripe = stripes[(int) (identity >>> 58)];
      synchronized (stripe) {
        return stripe.add(identity);
      }
    }
  }

  private interface Part<T> {
    T run(int part) throws IOException;
  }

  /** Runs {@code work} for parts 0..threads-1 at once and returns their results in order. */
  private static <T> List<T> parallel(int threads, Part<T> work) throws IOException {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<T>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int part = t;
        futures.add(pool.submit(() -> work.run(part)));
      }
      List<T> out = new ArrayList<>();
      for (java.util.concurrent.Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading events", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private interface LineSink {
    void accept(byte[] buf, int off, int len);
  }

  /**
   * The non-blank lines of part {@code part} of {@code parts} of every file: the lines that start
   * in that part's byte range (a line crossing the range's end belongs to it).
   */
  private static void forEachLine(List<Path> files, int part, int parts, LineSink sink)
      throws IOException {
    byte[] buf = new byte[1 << 20];
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        continue;
      }
      long size = Files.size(file);
      long from = size * part / parts;
      long to = size * (part + 1) / parts;
      try (java.nio.channels.FileChannel ch =
          java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
        long position = Math.max(0, from - 1);
        ch.position(position);
        boolean skipping = from > 0; // the line holding byte from-1 is the previous part's
        int filled = 0;
        long lineStart = position;
        int n;
        boolean done = false;
        while (!done
            && (n = ch.read(java.nio.ByteBuffer.wrap(buf, filled, buf.length - filled))) > 0) {
          filled += n;
          int start = 0;
          for (int i = 0; i < filled; i++) {
            if (buf[i] != '\n') {
              continue;
            }
            if (skipping) {
              skipping = false;
            } else {
              emit(buf, start, i - start, sink);
            }
            lineStart += i + 1 - start;
            start = i + 1;
            if (lineStart >= to) {
              done = true;
              break;
            }
          }
          System.arraycopy(buf, start, buf, 0, filled - start);
          filled -= start;
          if (filled == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
          }
        }
        if (!done && !skipping) {
          emit(buf, 0, filled, sink);
        }
      }
    }
  }

  private static void emit(byte[] buf, int off, int len, LineSink sink) {
    int end = off + len;
    if (end > off && buf[end - 1] == '\r') {
      end--;
    }
    for (int i = off; i < end; i++) {
      if (buf[i] != ' ' && buf[i] != '\t') {
        sink.accept(buf, off, end - off);
        return;
      }
    }
  }

  /** A 64-bit hash of a string: FNV-1a over its characters, then SplitMix64's finaliser. */
  static long hash(String s) {
    return mix(fnv(s));
  }

  private static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static long mix(long h) {
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  public int exposedUsers() {
    return ids.length;
  }

  public long malformedLines() {
    return malformed;
  }

  /** The end of each UTC day from the first exposure's to the last event's: the daily looks. */
  public List<Long> dailyLooks() {
    List<Long> looks = new ArrayList<>();
    if (ids.length == 0) {
      return looks;
    }
    long first = Arrays.stream(exposedAt).min().orElse(0);
    for (long end = (first / DAY + 1) * DAY - 1; ; end += DAY) {
      looks.add(Math.min(end, lastEvent));
      if (end >= lastEvent) {
        return looks;
      }
    }
  }

  /**
   * A shopper's orders before exposure as another source knows them (the feature store's
   * point-in-time features), for CUPED in place of the events' pre-period.
   */
  @FunctionalInterface
  public interface PreExposureOrders {
    /** The shopper's orders just before {@code firstExposure}; empty when the source has none. */
    java.util.OptionalDouble before(String userId, long firstExposure);

    /** How reports name the source. */
    default String describe() {
      return getClass().getSimpleName();
    }
  }

  private ExperimentOutcomes(ExperimentOutcomes o, double[] preOrders, String covariateSource) {
    this.arms = o.arms;
    this.ids = o.ids;
    this.exposedAt = o.exposedAt;
    this.arm = o.arm;
    this.preOrders = preOrders;
    this.preRevenue = o.preRevenue;
    this.covariateSource = covariateSource;
    this.eventUser = o.eventUser;
    this.eventAt = o.eventAt;
    this.eventKind = o.eventKind;
    this.eventRevenue = o.eventRevenue;
    this.events = o.events;
    this.malformed = o.malformed;
    this.lastEvent = o.lastEvent;
  }

  /**
   * The same outcomes with each shopper's pre-exposure orders (the covariate of conversion and
   * orders) taken from {@code source}; a shopper it does not know had none (0).
   */
  public ExperimentOutcomes withPreExposureOrders(PreExposureOrders source) {
    double[] fromSource = new double[ids.length];
    for (int u = 0; u < ids.length; u++) {
      fromSource[u] = source.before(ids[u], exposedAt[u]).orElse(0);
    }
    return new ExperimentOutcomes(this, fromSource, source.describe());
  }

  /** The first and last exposure times (epoch ms); {0, 0} when nobody was exposed. */
  public long[] exposureSpan() {
    return exposedAt.length == 0
        ? new long[] {0, 0}
        : new long[] {
          Arrays.stream(exposedAt).min().orElse(0), Arrays.stream(exposedAt).max().orElse(0)
        };
  }

  /** Where the pre-exposure orders CUPED adjusts with come from. */
  public String covariateSource() {
    return covariateSource;
  }

  /** Each exposed shopper's outcome counted up to {@code asOf} (exposed by then). */
  public List<UserOutcome> asOf(long asOf) {
    int n = ids.length;
    int[] orders = new int[n];
    int[] clicks = new int[n];
    int[] impressions = new int[n];
    double[] revenue = new double[n];
    for (int e = 0; e < events; e++) {
      if (eventAt[e] <= asOf) {
        count(e, orders, clicks, impressions, revenue);
      }
    }
    List<UserOutcome> out = new ArrayList<>();
    for (int u = 0; u < n; u++) {
      if (exposedAt[u] <= asOf) {
        out.add(
            new UserOutcome(
                ids[u],
                arms.get(arm[u]),
                exposedAt[u],
                orders[u] > 0,
                orders[u],
                revenue[u],
                clicks[u],
                impressions[u],
                preOrders[u],
                preRevenue[u]));
      }
    }
    return out;
  }

  private void count(int e, int[] orders, int[] clicks, int[] impressions, double[] revenue) {
    int u = eventUser[e];
    switch (eventKind[e]) {
      case PURCHASE -> {
        orders[u]++;
        revenue[u] += eventRevenue[e];
      }
      case CLICK -> clicks[u]++;
      case IMPRESSION -> impressions[u]++;
      default -> {}
    }
  }

  /**
   * Every arm's moments at each of {@code looks} (ascending), without building a row per shopper:
   * outcomes are bucketed by look, then running totals advance look by look.
   */
  List<Map<String, ArmData>> cumulative(ConversionExperiment experiment, List<Long> looks) {
    int n = ids.length;
    int[] bucketOf = new int[events];
    int[] perBucket = new int[looks.size() + 1];
    for (int e = 0; e < events; e++) {
      int b = bucket(eventAt[e], looks);
      bucketOf[e] = b;
      perBucket[b]++;
    }
    int[] start = new int[looks.size() + 2];
    for (int b = 0; b <= looks.size(); b++) {
      start[b + 1] = start[b] + perBucket[b];
    }
    int[] order = new int[events];
    int[] fill = Arrays.copyOf(start, start.length);
    for (int e = 0; e < events; e++) {
      order[fill[bucketOf[e]]++] = e;
    }
    int[] orders = new int[n];
    int[] clicks = new int[n];
    int[] impressions = new int[n];
    double[] revenue = new double[n];
    List<Map<String, ArmData>> out = new ArrayList<>();
    for (int b = 0; b < looks.size(); b++) {
      for (int i = start[b]; i < start[b + 1]; i++) {
        count(order[i], orders, clicks, impressions, revenue);
      }
      long look = looks.get(b);
      Map<String, ArmData.Sums> acc = new LinkedHashMap<>();
      experiment.arms().forEach(a -> acc.put(a.name(), new ArmData.Sums()));
      ArmData.Sums[] byArm = new ArmData.Sums[arms.size()];
      for (int a = 0; a < arms.size(); a++) {
        byArm[a] = acc.get(arms.get(a));
      }
      for (int u = 0; u < n; u++) {
        ArmData.Sums a = byArm[arm[u]];
        if (a != null && exposedAt[u] <= look) {
          a.add(orders[u], revenue[u], clicks[u], impressions[u], preOrders[u], preRevenue[u]);
        }
      }
      Map<String, ArmData> data = new LinkedHashMap<>();
      acc.forEach((name, a) -> data.put(name, a.data()));
      out.add(data);
    }
    return out;
  }

  /** The first look at or after {@code t}; looks.size() when after the last. */
  private static int bucket(long t, List<Long> looks) {
    int lo = 0;
    int hi = looks.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (looks.get(mid) < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
