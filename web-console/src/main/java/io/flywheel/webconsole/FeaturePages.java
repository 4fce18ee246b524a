package io.flywheel.webconsole;

import io.flywheel.core.LocalServices;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureView;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The feature views (entity, time to live, features), how fresh each is offline (its newest
 * snapshot partition), and one entity's live values by key, read through the home's feature server
 * (the online store is held by it).
 */
final class FeaturePages {

  record View(FeatureView view, String newestSnapshot) {}

  record Lookup(String view, String key, Map<String, String> values, String asOf, String error) {}

  record Features(List<View> views, String server, Lookup lookup) {}

  private final Sources sources;
  private final Views views;

  FeaturePages(Sources sources, Views views) {
    this.sources = sources;
    this.views = views;
  }

  void register(Javalin app) {
    app.get("/features", this::features);
  }

  private void features(Context ctx) throws IOException {
    FeatureRegistry registry = FeatureRegistry.builtIn();
    var offline = FeatureStore.offline(sources.home());
    List<View> list = new ArrayList<>();
    for (FeatureView v : registry.views()) {
      Map<LocalDate, Instant> parts = offline.partitionTimes("features/" + v.name());
      String newest =
          parts.isEmpty()
              ? null
              : parts.keySet().stream().max(LocalDate::compareTo).map(LocalDate::toString).get();
      list.add(new View(v, newest));
    }
    String server =
        LocalServices.find(sources.home(), LocalServices.FEATURES)
            .map(LocalServices.Service::url)
            .orElse(null);
    String view = RunPages.param(ctx, "view");
    String key = RunPages.param(ctx, "key");
    Lookup lookup = null;
    if (!view.isEmpty() && !key.isEmpty()) {
      lookup = lookup(server, view, key);
    }
    views.page(ctx, "features.jte", "Features", "features", new Features(list, server, lookup));
  }

  private static Lookup lookup(String server, String view, String key) throws IOException {
    if (server == null) {
      return new Lookup(
          view, key, Map.of(), null, "No feature server is running (start `flywheel up`).");
    }
    if (FeatureRegistry.builtIn().views().stream().noneMatch(v -> v.name().equals(view))) {
      return new Lookup(view, key, Map.of(), null, "No feature view '" + view + "'.");
    }
    var found = io.flywheel.featurestore.FeatureServerClient.lookup(server, view, key);
    if (found.isEmpty()) {
      return new Lookup(
          view, key, Map.of(), null, "No live values for " + view + " / " + key + ".");
    }
    Map<String, String> values = new LinkedHashMap<>();
    found.get().values().forEach((k, v) -> values.put(k, String.valueOf(v)));
    return new Lookup(view, key, values, Instant.ofEpochMilli(found.get().asOf()).toString(), null);
  }
}
