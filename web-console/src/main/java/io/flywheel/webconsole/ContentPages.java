package io.flywheel.webconsole;

import io.flywheel.content.ContentHit;
import io.flywheel.content.ContentIndex;
import io.flywheel.content.ContentQuery;
import io.flywheel.content.ContentReview;
import io.flywheel.content.ContentSearch;
import io.flywheel.content.MiniLmEmbedder;
import io.flywheel.content.UserAffinities;
import io.flywheel.core.LocalServices;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Content: search the content index (Elasticsearch, keyword ranking) and see each item's verdict
 * and reasons; the review queue of copy the checks held, to approve or reject.
 */
final class ContentPages implements AutoCloseable {
  record Hit(
      String id,
      String title,
      String body,
      String kind,
      String locale,
      String verdict,
      List<String> reasons) {}

  record Page(
      String query,
      List<Hit> hits,
      String searchedWith,
      String error,
      List<ContentReview.HeldItem> queue,
      List<ContentReview.HeldItem> rejected) {}

  private final Sources sources;
  private final Views views;
  private final ConsoleSessions sessions;

  /**
   * The content index's client, made on the first search and kept (a client per search is dear).
   */
  private ContentIndex index;

  private String indexUrl;

  ContentPages(Sources sources, Views views, ConsoleSessions sessions) {
    this.sources = sources;
    this.views = views;
    this.sessions = sessions;
  }

  void register(Javalin app) {
    app.get("/content", this::content);
    app.post("/content/{id}/approve", ctx -> review(ctx, true));
    app.post("/content/{id}/reject", ctx -> review(ctx, false));
  }

  private void content(Context ctx) throws IOException {
    ContentReview review = new ContentReview(sources.home());
    List<ContentReview.HeldItem> held = review.held();
    Map<String, ContentReview.HeldItem> heldById = new HashMap<>();
    held.forEach(h -> heldById.put(h.item().id(), h));
    String q = RunPages.param(ctx, "q");
    List<Hit> hits = new ArrayList<>();
    String searchedWith = null;
    String error = null;
    if (!q.isEmpty()) {
      String es =
          sources.config().elasticsearchUrl() != null
              ? sources.config().elasticsearchUrl()
              : LocalServices.find(sources.home(), LocalServices.ELASTICSEARCH)
                  .map(LocalServices.Service::url)
                  .orElse(null);
      if (es != null) {
        searchedWith = "the content index (" + es + ")";
        try {
          for (ContentHit h :
              new ContentSearch(index(es), MiniLmEmbedder.shared(), UserAffinities.NONE)
                  .search(ContentQuery.of(q, 30).withMode(ContentQuery.SearchMode.BM25))) {
            hits.add(
                new Hit(h.id(), h.title(), h.body(), h.kind(), h.locale(), "approved", List.of()));
          }
        } catch (IOException | RuntimeException e) {
          error = "The content index did not answer: " + e.getMessage();
        }
      } else {
        searchedWith = "the held copy (no content index is running)";
      }
      // Held copy is never indexed: it is searched here, with its verdict and reasons.
      String needle = q.toLowerCase(Locale.ROOT);
      for (ContentReview.HeldItem h : held) {
        String text = (h.item().title() + " " + h.item().body()).toLowerCase(Locale.ROOT);
        if (java.util.Arrays.stream(needle.split("\\s+")).allMatch(text::contains)) {
          hits.add(
              new Hit(
                  h.item().id(),
                  h.item().title(),
                  h.item().body(),
                  h.item().kind().wireName(),
                  h.item().locale(),
                  h.verdict(),
                  h.reasons()));
        }
      }
    }
    views.page(
        ctx,
        "content.jte",
        "Content",
        "content",
        new Page(
            q,
            hits,
            searchedWith,
            error,
            held.stream().filter(ContentReview.HeldItem::awaitingReview).toList(),
            held.stream().filter(h -> h.verdict().equals("rejected")).limit(50).toList()));
  }

  private synchronized ContentIndex index(String url) {
    if (index == null || !url.equals(indexUrl)) {
      if (index != null) {
        index.close();
      }
      index =
          ContentIndex.connect(
              url, sources.config().elasticsearchApiKey(), MiniLmEmbedder.shared().dimension());
      indexUrl = url;
    }
    return index;
  }

  @Override
  public synchronized void close() {
    if (index != null) {
      index.close();
      index = null;
    }
  }

  private void review(Context ctx, boolean approve) throws IOException {
    sessions.requireAction(ctx);
    String id = ctx.pathParam("id");
    ContentReview review = new ContentReview(sources.home());
    if (approve) {
      review.approve(id, "web console");
    } else {
      review.reject(id, "web console");
    }
    ctx.redirect("/content", HttpStatus.SEE_OTHER);
  }
}
