package io.flywheel.core.internal.simulator;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.flywheel.core.Campaign;
import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.GroundTruth;
import io.flywheel.core.InvalidRecordException;
import io.flywheel.core.JsonLinesWriter;
import io.flywheel.core.LiveAnswer;
import io.flywheel.core.LiveOptions;
import io.flywheel.core.LiveRequest;
import io.flywheel.core.LiveSummary;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.MessageAngle;
import io.flywheel.core.Product;
import io.flywheel.core.ShownItem;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.SimulationSummary;
import io.flywheel.core.User;
import io.flywheel.core.WorldConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
import org.apache.commons.rng.sampling.distribution.GeometricSampler;
import org.apache.commons.rng.sampling.distribution.PoissonSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Runs the simulated marketplace hour by hour: shoppers and products arrive, sessions start (busier
 * in the evening and at weekends), the baseline policy fills each request's slot, and shoppers
 * click, cart and buy with the true probabilities. A live run ({@link #runLive}) has a policy fill
 * the slots instead and tallies what the oracle and popularity would have shown on each request.
 * Files are written to a staging folder and moved into place only when complete, so a failed run
 * leaves earlier output intact.
 */
public final class Simulation {
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  // Share of a day's sessions that start in each hour (UTC): quiet nights, an evening peak.
  private static final double[] HOUR_SHARE = {
    1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 1.0, 2.0, 3.0, 3.5, 3.5, 3.8, 4.2, 4.0, 3.8, 3.8, 4.0, 4.5, 5.5,
    6.5, 7.0, 6.5, 4.5, 2.5
  };
  // Monday .. Sunday.
  private static final double[] WEEKDAY_FACTOR = {0.95, 0.9, 0.95, 1.0, 1.05, 1.15, 1.1};
  private static final double HOUR_SHARE_TOTAL = java.util.Arrays.stream(HOUR_SHARE).sum();

  private final SimulationConfig config;
  private final WorldConfig world;
  private final Catalog catalog;
  private final Shoppers shoppers;
  private final Behaviour behaviour;
  private final PopularityPolicy policy;
  private final WeightedSampler activeShoppers;
  private final LeafShelves shelves;
  private final UniformRandomProvider rng;
  private final DiscreteSampler extraRequests;
  // Searches and complaints draw from a stream of their own, so sessions play out as they would
  // without them.
  private final UniformRandomProvider asides;
  private final Searches searches;
  private final Audience audience;
  private final long start;
  private final long end;
  // Hours [firstHour, lastHour) of the world are simulated: all of them in a batch run.
  private final int startDay;
  private final long firstHour;
  private final long lastHour;
  // Put before every session, request and event id: empty unless a live run starts after day 0.
  private final String ids;
  // How a live run serves its shoppers; null in a batch run, which fills slots by popularity.
  private final LiveRun live;
  private final Counts counts = new Counts();
  private EventStream stream;
  private JsonLinesWriter<GroundTruth> truth;
  private SimulationSummary written;

  private static final class Counts {
    long sessions;
    long requests;
    long impressions;
    long clicks;
    long carts;
    long purchases;
    long organic;
    long searches;
    long complaints;
    long eventIds;
    double expectedClicks;
    double expectedPurchases;
  }

  private Simulation(
      SimulationConfig config, UnaryOperator<ContentItem> copyEditor, LiveOptions liveOptions) {
    this.config = config;
    this.world = config.world();
    this.start = world.startInstant().toEpochMilli();
    this.end = start + config.days() * DAY;
    int startDay = liveOptions == null ? 0 : liveOptions.startDay();
    int endDay =
        liveOptions == null || liveOptions.days() == 0
            ? config.days()
            : startDay + liveOptions.days();
    if (startDay >= config.days()) {
      throw new InvalidRecordException(
          "startDay",
          "must be a day of the world (0 to " + (config.days() - 1) + "), got " + startDay);
    }
    if (endDay > config.days()) {
      throw new InvalidRecordException(
          "days",
          "must end by the world's last day: at most "
              + (config.days() - startDay)
              + " from day "
              + startDay
              + ", got "
              + (endDay - startDay));
    }
    this.startDay = startDay;
    this.firstHour = startDay * 24L;
    this.lastHour = endDay * 24L;
    this.ids = startDay == 0 ? "" : "d" + startDay + "-";
    UniformRandomProvider worldRng = stream(config.seed(), 1);
    this.catalog =
        new Catalog(
            config.products(),
            world.variantsPerProduct(),
            world.initialProductShare(),
            start,
            end,
            worldRng);
    this.shoppers =
        new Shoppers(
            config.users(),
            world.initialUserShare(),
            world.meanSessionsPerUserDay(),
            start,
            end,
            catalog.brandNames,
            worldRng);
    // Who reads copy how is drawn from its own stream: products and shoppers stay as they were.
    UniformRandomProvider audienceRng = mixedStream(config.seed(), 4);
    this.audience = new Audience(audienceRng);
    shoppers.assignAudience(start, audienceRng);
    catalog.edit(copyEditor);
    Appeal reader = new Appeal(audience);
    catalog.read(reader, shoppers.audienceShares());
    this.behaviour = new Behaviour(catalog, shoppers, world);
    this.policy = new PopularityPolicy(catalog.contentCount(), world.exploration());
    this.activeShoppers = new WeightedSampler(config.users());
    this.shelves = new LeafShelves(Taxonomy.LEAVES.size());
    this.rng = behaviourStream(2, startDay);
    this.extraRequests = GeometricSampler.of(rng, 1.0 / world.requestsPerSession());
    this.asides = behaviourStream(5, startDay);
    this.searches = new Searches(catalog, shoppers);
    this.live =
        liveOptions == null
            ? null
            : new LiveRun(
                liveOptions,
                catalog,
                behaviour,
                reader,
                world.slotSize(),
                behaviourStream(6, startDay),
                behaviourStream(7, startDay),
                start + firstHour * HOUR);
  }

  /**
   * The streams behaviour is drawn from (2: sessions and outcomes, 3: dirt, 5: searches and
   * complaints, 6: a live run's counterfactual slates, 7: the random live policy). A run that
   * starts after day 0 draws each afresh for its first day, so successive days of a learning loop
   * do not replay the same draws.
   */
  private UniformRandomProvider behaviourStream(long id, int startDay) {
    if (startDay > 0) {
      return mixedStream(config.seed(), 16L * startDay + id);
    }
    return id == 2 || id == 3 ? stream(config.seed(), id) : mixedStream(config.seed(), id);
  }

  /** This world's audience weights, as {@link #run} draws them (no shoppers or catalogue). */
  static Audience audience(long seed) {
    return new Audience(mixedStream(seed, 4));
  }

  /** Independent, reproducible random streams from one seed (world, behaviour, dirt). */
  private static UniformRandomProvider stream(long seed, long id) {
    return RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {seed, id});
  }

  /**
   * A stream whose state is first scrambled (SplitMix64): xoroshiro's first outputs from a state as
   * sparse as {seed, id} are tiny, so worlds with small seeds would draw nearly the same audience
   * weights. The older streams keep their seeding, so their worlds stay as they were.
   */
  private static UniformRandomProvider mixedStream(long seed, long id) {
    UniformRandomProvider mixer = RandomSource.SPLIT_MIX_64.create(seed * 0x9E3779B97F4A7C15L + id);
    return RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {mixer.nextLong(), mixer.nextLong()});
  }

  /** Heap a world of this size needs while it runs, measured on 2 cores (peak, with margin). */
  static long heapNeeded(long users, long products) {
    return BASE_HEAP + users * BYTES_PER_USER + products * BYTES_PER_PRODUCT;
  }

  // Measured with `simulate --json` (peakHeapBytes) at 20k-200k shoppers and 2k-40k products.
  private static final long BASE_HEAP = 64L << 20;
  private static final long BYTES_PER_USER = 1_500;
  private static final long BYTES_PER_PRODUCT = 2_500;

  /**
   * Refuses, before anything is allocated, a world that cannot fit the heap, naming the size that
   * does (an OutOfMemoryError halfway through a run helps nobody).
   */
  static void requireHeap(SimulationConfig config, long maxHeap) {
    long needed = heapNeeded(config.users(), config.products());
    if (needed <= maxHeap) {
      return;
    }
    long room = maxHeap - BASE_HEAP;
    long maxUsers = Math.max(0, (room - config.products() * BYTES_PER_PRODUCT) / BYTES_PER_USER);
    long maxProducts = Math.max(0, (room - config.users() * BYTES_PER_USER) / BYTES_PER_PRODUCT);
    boolean usersTooMany = config.users() * BYTES_PER_USER >= config.products() * BYTES_PER_PRODUCT;
    throw new InvalidRecordException(
        usersTooMany ? "users" : "products",
        String.format(
            java.util.Locale.ROOT,
            "%,d shoppers and %,d products need about %,d MB of heap; this "
                + "JVM has %,d MB: at most %,d %s fit (raise the heap with FLYWHEEL_JAVA_OPTS=-Xmx...)",
            config.users(),
            config.products(),
            needed >> 20,
            maxHeap >> 20,
            usersTooMany ? maxUsers : maxProducts,
            usersTooMany ? "shoppers with these products" : "products with these shoppers"));
  }

  public static SimulationSummary run(
      SimulationConfig config, Path outDir, SimulationProgress progress) throws IOException {
    return run(config, outDir, progress, UnaryOperator.identity());
  }

  /**
   * Runs a world whose stock copy is first rewritten by {@code copyEditor} (same ids, kinds and
   * products): how copy written some other way would have fared with the same shoppers.
   */
  public static SimulationSummary run(
      SimulationConfig config,
      Path outDir,
      SimulationProgress progress,
      UnaryOperator<ContentItem> copyEditor)
      throws IOException {
    return execute(config, null, outDir, progress, copyEditor).written;
  }

  /**
   * Runs the world with each page request answered by the live policy instead of popularity, and
   * writes what a batch run writes plus {@code live.json}: what the policy was worth, next to the
   * oracle and popularity on the same requests.
   */
  public static LiveSummary runLive(
      SimulationConfig config, LiveOptions options, Path outDir, SimulationProgress progress)
      throws IOException {
    if (options == null) {
      throw new IllegalArgumentException("options: required");
    }
    return execute(config, options, outDir, progress, UnaryOperator.identity()).liveSummary();
  }

  private static Simulation execute(
      SimulationConfig config,
      LiveOptions liveOptions,
      Path outDir,
      SimulationProgress progress,
      UnaryOperator<ContentItem> copyEditor)
      throws IOException {
    long began = System.nanoTime();
    List<MemoryPoolMXBean> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .toList();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);

    requireHeap(config, Runtime.getRuntime().maxMemory());
    Files.createDirectories(outDir);
    Path staging = Files.createTempDirectory(outDir, ".simulate-");
    try {
      Simulation simulation = new Simulation(config, copyEditor, liveOptions);
      simulation.writeWorld(staging);
      simulation.writeBehaviour(staging, progress);
      long elapsed = (System.nanoTime() - began) / 1_000_000;
      long peakHeap = heapPools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
      SimulationSummary summary = simulation.summary(elapsed, peakHeap);
      simulation.written = summary;
      JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
      json.writeValue(staging.resolve(MarketplaceSimulator.SUMMARY_FILE).toFile(), summary);
      if (simulation.live != null) {
        json.writeValue(
            staging.resolve(MarketplaceSimulator.LIVE_FILE).toFile(), simulation.liveSummary());
      }
      publish(staging, outDir);
      return simulation;
    } finally {
      deleteRecursively(staging);
    }
  }

  private void writeWorld(Path dir) throws IOException {
    try (var products =
            JsonLinesWriter.create(
                dir.resolve(MarketplaceSimulator.PRODUCTS_FILE), Codecs.PRODUCTS);
        var users =
            JsonLinesWriter.create(dir.resolve(MarketplaceSimulator.USERS_FILE), Codecs.USERS);
        var content =
            JsonLinesWriter.create(dir.resolve(MarketplaceSimulator.CONTENT_FILE), Codecs.CONTENT);
        var campaigns =
            JsonLinesWriter.create(
                dir.resolve(MarketplaceSimulator.CAMPAIGNS_FILE), Codecs.CAMPAIGNS)) {
      for (Product product : catalog.products()) {
        products.write(product);
      }
      for (int u = 0; u < shoppers.size; u++) {
        User user = shoppers.user(u);
        users.write(user);
      }
      for (ContentItem item : catalog.content()) {
        content.write(item);
      }
      for (Campaign campaign : catalog.campaigns()) {
        campaigns.write(campaign);
      }
    }
  }

  private void writeBehaviour(Path dir, SimulationProgress progress) throws IOException {
    try (var events =
            JsonLinesWriter.create(dir.resolve(MarketplaceSimulator.EVENTS_FILE), Codecs.EVENTS);
        var truthOut =
            JsonLinesWriter.create(dir.resolve(MarketplaceSimulator.TRUTH_FILE), Codecs.TRUTH)) {
      this.truth = truthOut;
      this.stream =
          live == null
              ? new EventStream(events, behaviourStream(3, startDay), config.dirtyRate())
              : new EventStream(
                  events, behaviourStream(3, startDay), config.dirtyRate(), live::observed);
      for (int u = 0; u < shoppers.size; u++) {
        truth.write(shoppers.truth(u));
      }
      for (int p = 0; p < catalog.productCount; p++) {
        truth.write(catalog.productTruth(p));
      }
      for (int c = 0; c < catalog.contentCount(); c++) {
        truth.write(catalog.contentTruth(c));
      }
      writeSegmentTruth();
      long hours = lastHour - firstHour;
      int nextUser = 0;
      int nextProduct = 0;
      for (long h = firstHour; h < lastHour; h++) {
        long hourStart = start + h * HOUR;
        // Whoever arrived before this hour is active from its start (arrival is never later
        // than a session).
        while (nextUser < shoppers.size && shoppers.joinedAt[nextUser] <= hourStart) {
          activeShoppers.set(nextUser, shoppers.activity[nextUser]);
          nextUser++;
        }
        while (nextProduct < catalog.productCount && catalog.listedAt[nextProduct] <= hourStart) {
          shelves.add(catalog.leaf[nextProduct], nextProduct);
          nextProduct++;
        }
        policy.openUpTo(nextProduct * catalog.variants);
        policy.refresh();
        simulateHour(hourStart);
        progress.update(h + 1 - firstHour, hours, stream.eventLines());
      }
      stream.finish();
      if (live != null) {
        live.streamEnded();
      }
      progress.update(hours, hours, stream.eventLines());
    }
  }

  private void simulateHour(long hourStart) {
    if (activeShoppers.total() <= 0 || policy.live() == 0) {
      return;
    }
    ZonedDateTime time = Instant.ofEpochMilli(hourStart).atZone(ZoneOffset.UTC);
    int hour = time.getHour();
    DayOfWeek day = time.getDayOfWeek();
    double expected =
        activeShoppers.total()
            * WEEKDAY_FACTOR[day.getValue() - 1]
            * HOUR_SHARE[hour]
            / HOUR_SHARE_TOTAL;
    int sessions = PoissonSampler.of(rng, expected).sample();
    // Key = offset within the hour, then draw order: sessions are run in start order.
    long[] keys = new long[sessions];
    int[] users = new int[sessions];
    for (int i = 0; i < sessions; i++) {
      users[i] = activeShoppers.draw(rng);
      keys[i] = (rng.nextLong(HOUR) << 24) | i;
    }
    java.util.Arrays.sort(keys);
    boolean weekend = day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY;
    for (long key : keys) {
      long sessionStart = hourStart + (key >>> 24);
      int user = users[(int) (key & 0xFFFFFF)];
      stream.advanceTo(sessionStart);
      simulateSession(user, sessionStart, hour, weekend);
    }
  }

  private void simulateSession(int user, long sessionStart, int hour, boolean weekend) {
    String sessionId = ids + "s" + counts.sessions++;
    String userId = shoppers.userId(user);
    if (asides.nextDouble() < Searches.SESSION_SHARE) {
      search(user, userId, sessionId, sessionStart);
    }
    int requests = 1 + extraRequests.sample();
    int[] slot = new int[world.slotSize()];
    double[] propensity = new double[world.slotSize()];
    long time = sessionStart;
    for (int r = 0; r < requests; r++) {
      String requestId = ids + "r" + counts.requests++;
      if (live == null) {
        int shown = policy.fill(slot, propensity, rng);
        showSlot(user, userId, sessionId, requestId, slot, propensity, shown, time, hour, weekend);
      } else {
        serve(user, userId, sessionId, requestId, time, hour, weekend, slot, propensity);
      }
      time += Latent.between(rng, 15_000, 120_000);
    }
    if (rng.nextDouble() < world.organicPurchaseRate()) {
      organicPurchase(user, userId, sessionId, sessionStart);
    }
  }

  /**
   * Shows item {@code content} at {@code position} and draws what the shopper does. {@code served}
   * is what a live policy showed in its place (its ids, and copy the shopper read), null for the
   * catalogue's item as it is.
   */
  private void impression(
      int user,
      String userId,
      String sessionId,
      String requestId,
      int content,
      LiveRun.Served served,
      int position,
      Double propensity,
      long shownAt,
      int hour,
      boolean weekend) {
    int product = catalog.productOf(content);
    String productId = catalog.productId(product);
    String contentId = served == null ? catalog.contentId(content) : served.contentId();
    String campaignId = served == null ? catalog.campaignOf(content) : served.campaignId();
    String variantId = served == null ? catalog.variantId(content) : served.variantId();
    String arm = served == null ? null : served.arm();
    double appeal =
        served == null || served.appeal() == null
            ? behaviour.appeal(user, content)
            : served.appeal()[behaviour.row(user)];
    boolean contradicted = served == null ? catalog.contradicted(content) : served.contradicted();
    double pClick = behaviour.pClick(user, content, appeal, position, hour);
    double pCart = behaviour.pCartGivenClick(user, product);
    double pBuy = behaviour.pBuyGivenCart(user, product, weekend);
    String impressionId = nextEventId();
    emit(
        new Event(
            impressionId,
            EventType.IMPRESSION,
            userId,
            productId,
            contentId,
            requestId,
            sessionId,
            position,
            propensity,
            campaignId,
            null,
            arm,
            variantId,
            null,
            null,
            shownAt,
            received(shownAt),
            null));
    truth.write(
        new GroundTruth.ImpressionTruth(
            impressionId,
            requestId,
            contentId,
            pClick,
            Latent.round9(pClick * pCart * pBuy),
            appeal));
    counts.impressions++;
    counts.expectedClicks += pClick;
    counts.expectedPurchases += Latent.round9(pClick * pCart * pBuy);
    if (rng.nextDouble() >= pClick) {
      return;
    }
    if (served == null || served.worldContent()) {
      policy.recordClick(content);
    }
    long clickAt = shownAt + Latent.between(rng, 2_000, 90_000);
    emitFollowUp(
        EventType.CLICK,
        userId,
        productId,
        contentId,
        requestId,
        sessionId,
        position,
        campaignId,
        variantId,
        arm,
        null,
        null,
        clickAt);
    counts.clicks++;
    if (contradicted && asides.nextDouble() < Appeal.COMPLAINT_RATE) {
      long complaintAt = clickAt + Latent.between(asides, 30_000, 600_000);
      // Its arrival delay comes from the aside stream, so the main stream's draws stay put.
      emitFollowUp(
          EventType.COMPLAINT,
          userId,
          productId,
          contentId,
          requestId,
          sessionId,
          position,
          campaignId,
          variantId,
          arm,
          null,
          null,
          complaintAt,
          complaintAt + 20 + asides.nextInt(1_500));
      counts.complaints++;
    }
    if (rng.nextDouble() >= pCart) {
      return;
    }
    long cartAt = clickAt + Latent.between(rng, 10_000, 600_000);
    emitFollowUp(
        EventType.ADD_TO_CART,
        userId,
        productId,
        contentId,
        requestId,
        sessionId,
        position,
        campaignId,
        variantId,
        arm,
        catalog.price[product],
        null,
        cartAt);
    counts.carts++;
    if (rng.nextDouble() >= pBuy) {
      return;
    }
    long buyAt =
        rng.nextDouble() < world.delayedPurchaseShare()
            ? cartAt + Latent.between(rng, HOUR, 20 * HOUR)
            : cartAt + Latent.between(rng, 30_000, 1_200_000);
    emitFollowUp(
        EventType.PURCHASE,
        userId,
        productId,
        contentId,
        requestId,
        sessionId,
        position,
        campaignId,
        variantId,
        arm,
        catalog.price[product],
        quantity(),
        buyAt);
    counts.purchases++;
  }

  /**
   * Has the live policy fill one request's slot and shows what it chose; tallies what the oracle
   * and popularity would have shown on the same request, from streams of their own (the shopper's
   * draws do not depend on them).
   */
  private void serve(
      int user,
      String userId,
      String sessionId,
      String requestId,
      long time,
      int hour,
      boolean weekend,
      int[] slot,
      double[] propensity) {
    live.pace(time);
    int onSale = policy.live();
    int[] oracle = live.oracleSlate(user, hour, weekend, onSale);
    live.addCeiling(user, oracle, hour, weekend);
    String builtIn = live.options().builtInPolicy();
    if (builtIn != null) {
      live.addOracle(user, oracle, hour, weekend);
    }
    if ("popularity".equals(builtIn)) {
      // The world's own policy, drawing from the shopper's stream as a batch run does.
      int shown = policy.fill(slot, propensity, rng);
      live.answered();
      live.addPopularity(user, slot, shown, hour, weekend);
      showSlot(user, userId, sessionId, requestId, slot, propensity, shown, time, hour, weekend);
      return;
    }
    int[] counterfactual = live.popularitySlot();
    int wouldShow =
        policy.fill(counterfactual, live.popularityPropensity(), live.counterfactuals());
    live.addPopularity(user, counterfactual, wouldShow, hour, weekend);
    if (builtIn != null) {
      int shown =
          "oracle".equals(builtIn)
              ? live.copyOracle(oracle, slot, propensity)
              : live.fillRandom(slot, propensity, onSale);
      live.answered();
      showSlot(user, userId, sessionId, requestId, slot, propensity, shown, time, hour, weekend);
      return;
    }
    String locale = Audience.LOCALES.get(behaviour.row(user) % Audience.LOCALES.size());
    LiveAnswer answer =
        live.ask(new LiveRequest(userId, sessionId, "home", slot.length, time, locale));
    if (answer == null) {
      live.addOracle(user, oracle, hour, weekend);
      return;
    }
    // The oracle orders the policy's own candidates when it says what they were.
    List<LiveRun.Served> pool = new java.util.ArrayList<>(answer.pool().size());
    for (ShownItem candidate : answer.pool()) {
      LiveRun.Served served = live.resolve(candidate, onSale);
      if (served != null) {
        pool.add(served);
      }
    }
    if (pool.isEmpty()) {
      live.addOracle(user, oracle, hour, weekend);
    } else {
      live.addPoolOracle(user, pool, hour, weekend);
    }
    String answeredId =
        answer.requestId() == null || answer.requestId().isBlank() ? requestId : answer.requestId();
    Set<Integer> products = new HashSet<>();
    List<ShownItem> items = answer.items();
    for (int position = 0; position < items.size(); position++) {
      if (position >= slot.length) {
        live.dropped(items.size() - slot.length);
        break;
      }
      ShownItem item = items.get(position);
      LiveRun.Served served = live.resolve(item, onSale);
      if (served == null) {
        live.unknown();
        continue;
      }
      if (!products.add(catalog.productOf(served.content()))) {
        live.dropped(1);
        continue;
      }
      double p = item.propensity();
      impression(
          user,
          userId,
          sessionId,
          answeredId,
          served.content(),
          served,
          position,
          p > 0 && p <= 1 ? p : null,
          time + position,
          hour,
          weekend);
    }
  }

  /** Shows a slot the world's own policy filled: its items, each at its position. */
  private void showSlot(
      int user,
      String userId,
      String sessionId,
      String requestId,
      int[] slot,
      double[] propensity,
      int shown,
      long time,
      int hour,
      boolean weekend) {
    for (int position = 0; position < shown; position++) {
      impression(
          user,
          userId,
          sessionId,
          requestId,
          slot[position],
          null,
          position,
          propensity[position],
          time + position,
          hour,
          weekend);
    }
  }

  private LiveSummary liveSummary() {
    return live.summary(
        config.seed(),
        startDay,
        (int) ((lastHour - firstHour) / 24),
        counts.requests,
        counts.impressions,
        counts.clicks,
        counts.carts - counts.organic,
        counts.purchases - counts.organic,
        counts.expectedClicks,
        counts.expectedPurchases);
  }

  /** A search typed as the session starts, with the products that answer it in truth. */
  private void search(int user, String userId, String sessionId, long sessionStart) {
    Searches.Search search = searches.draw(user, sessionStart, asides);
    if (search == null) {
      return;
    }
    String eventId = nextEventId();
    emit(
        new Event(
            eventId,
            EventType.SEARCH,
            userId,
            null,
            null,
            null,
            sessionId,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            search.query(),
            sessionStart,
            sessionStart + 20 + asides.nextInt(1_500),
            null));
    truth.write(
        new GroundTruth.SearchTruth(
            eventId, search.query(), search.locale(), search.intent(), search.relevance()));
    counts.searches++;
  }

  private void writeSegmentTruth() {
    double[] shares = shoppers.audienceShares();
    for (int segment = 0; segment < Audience.SEGMENTS.size(); segment++) {
      Map<String, Double> weights = new LinkedHashMap<>();
      for (MessageAngle angle : MessageAngle.values()) {
        weights.put(angle.wireName(), audience.weight(segment, angle));
      }
      double share = 0;
      for (int locale = 0; locale < Audience.LOCALES.size(); locale++) {
        share += shares[Audience.row(segment, locale)];
      }
      truth.write(
          new GroundTruth.SegmentTruth(
              Audience.SEGMENTS.get(segment), Latent.round6(share), weights));
    }
  }

  private void organicPurchase(int user, String userId, String sessionId, long sessionStart) {
    int product = shelves.draw(shoppers.drawLeaf(user, rng), rng);
    if (product < 0) {
      return;
    }
    String productId = catalog.productId(product);
    long cartAt = sessionStart + Latent.between(rng, 30_000, 1_200_000);
    long buyAt = cartAt + Latent.between(rng, 30_000, 600_000);
    emitFollowUp(
        EventType.ADD_TO_CART,
        userId,
        productId,
        null,
        null,
        sessionId,
        null,
        null,
        null,
        null,
        catalog.price[product],
        null,
        cartAt);
    emitFollowUp(
        EventType.PURCHASE,
        userId,
        productId,
        null,
        null,
        sessionId,
        null,
        null,
        null,
        null,
        catalog.price[product],
        quantity(),
        buyAt);
    counts.carts++;
    counts.purchases++;
    counts.organic++;
  }

  private void emitFollowUp(
      io.flywheel.core.EventType type,
      String userId,
      String productId,
      String contentId,
      String requestId,
      String sessionId,
      Integer position,
      String campaignId,
      String variantId,
      String arm,
      Double price,
      Integer quantity,
      long at) {
    emitFollowUp(
        type,
        userId,
        productId,
        contentId,
        requestId,
        sessionId,
        position,
        campaignId,
        variantId,
        arm,
        price,
        quantity,
        at,
        received(at));
  }

  private void emitFollowUp(
      io.flywheel.core.EventType type,
      String userId,
      String productId,
      String contentId,
      String requestId,
      String sessionId,
      Integer position,
      String campaignId,
      String variantId,
      String arm,
      Double price,
      Integer quantity,
      long at,
      long receivedAt) {
    emit(
        new Event(
            nextEventId(),
            type,
            userId,
            productId,
            contentId,
            requestId,
            sessionId,
            position,
            null,
            campaignId,
            null,
            arm,
            variantId,
            price,
            quantity,
            at,
            receivedAt,
            null));
  }

  private void emit(Event event) {
    stream.schedule(event);
  }

  private String nextEventId() {
    return ids + "e" + counts.eventIds++;
  }

  private long received(long at) {
    return at + 20 + rng.nextInt(1_500);
  }

  private int quantity() {
    double roll = rng.nextDouble();
    return roll < 0.85 ? 1 : roll < 0.95 ? 2 : 3;
  }

  private SimulationSummary summary(long elapsedMillis, long peakHeapBytes) {
    int initialUsers = Arrivals.initialCount(config.users(), world.initialUserShare());
    int initialProducts = Arrivals.initialCount(config.products(), world.initialProductShare());
    long lines = stream.eventLines();
    return new SimulationSummary(
        config.seed(),
        config.days(),
        Instant.ofEpochMilli(start).toString(),
        Instant.ofEpochMilli(end).toString(),
        config.users(),
        initialUsers,
        config.users() - initialUsers,
        config.products(),
        initialProducts,
        config.products() - initialProducts,
        catalog.contentCount(),
        catalog.campaigns().size(),
        counts.sessions,
        counts.requests,
        counts.impressions,
        counts.clicks,
        counts.carts,
        counts.purchases,
        counts.purchases - counts.organic,
        counts.organic,
        counts.expectedClicks,
        counts.expectedPurchases,
        lines,
        stream.malformed(),
        stream.duplicates(),
        stream.late(),
        stream.delayed(),
        elapsedMillis,
        elapsedMillis == 0 ? 0 : lines * 1000.0 / elapsedMillis,
        peakHeapBytes,
        counts.searches,
        counts.complaints);
  }

  private static void publish(Path staging, Path outDir) throws IOException {
    try (Stream<Path> files = Files.list(staging)) {
      for (Path file : files.toList()) {
        Files.move(
            file,
            outDir.resolve(file.getFileName()),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
