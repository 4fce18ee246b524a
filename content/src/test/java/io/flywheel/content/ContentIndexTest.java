package io.flywheel.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.Product;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContentIndexTest {
  private static ContentIndex index;
  private static ContentSearch search;
  private static List<ContentDocument> documents;
  private static ShopFixture shop;

  @BeforeAll
  static void indexTheShop() throws Exception {
    shop = ShopFixture.shared();
    index = ContentIndex.connect(TestElasticsearch.url(), null, 384);
    CatalogFacts catalog = shop.catalog();
    TemplateGenerator generator = new TemplateGenerator(3, ShopPolicy.defaults());
    List<ContentItem> copy = new ArrayList<>();
    for (ProductFacts facts : catalog.all()) {
      for (CopyLocale locale : CopyLocale.values()) {
        copy.addAll(
            generator.generate(ContentRequest.of(facts, ContentKind.AD_COPY, locale, "all", 2)));
      }
    }
    List<CheckResult> checked =
        new ContentChecks(catalog, ShopPolicy.defaults(), ClaimRules.defaults(), null)
            .checkAll(copy);
    documents = new ArrayList<>();
    shop.products.forEach(p -> documents.add(ContentDocument.ofProduct(p)));
    for (CheckResult r : checked) {
      if (r.approved()) {
        documents.add(
            ContentDocument.ofCopy(r.item(), catalog.facts(r.item().productIds().get(0)).get()));
      }
    }
    documents = embedAll(documents);
    index.rebuild(documents, n -> {});
    search = new ContentSearch(index, MiniLmEmbedder.shared(), null);
  }

  static List<ContentDocument> embedAll(List<ContentDocument> docs) {
    List<float[]> vectors =
        MiniLmEmbedder.shared().embedAll(docs.stream().map(ContentDocument::embeddedText).toList());
    List<ContentDocument> out = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      out.add(docs.get(i).withEmbedding(vectors.get(i)));
    }
    return out;
  }

  @Test
  @Order(1)
  void productsAndApprovedCopyAreIndexedBehindTheAlias() throws Exception {
    assertThat(index.count()).isEqualTo(documents.size());
    assertThat(index.currentIndex()).startsWith(ContentIndex.PREFIX);
    assertThat(index.indices()).containsExactly(index.currentIndex());
  }

  @Test
  @Order(2)
  void englishAndChineseQueriesFindTheProductsTheyDescribe() throws Exception {
    Product target = shop.products.get(0);
    String noun = target.title().split(" ", 3)[2]; // "<Adjective> <Noun...> <model>"
    List<ContentHit> en =
        search.search(
            new ContentQuery(
                target.brand() + " " + noun,
                null,
                "product",
                null,
                5,
                ContentQuery.SearchMode.HYBRID));
    assertThat(en).extracting(ContentHit::id).contains(target.id());

    String gloss = TextAnalysis.chineseGlossOf(target);
    List<ContentHit> zh =
        search.search(
            new ContentQuery(
                gloss, CopyLocale.ZH_CN, null, null, 10, ContentQuery.SearchMode.BM25));
    assertThat(zh).isNotEmpty();
    assertThat(zh.get(0).category()).isEqualTo(target.leafCategory());
    assertThat(zh)
        .filteredOn(h -> h.type().equals("copy"))
        .allMatch(h -> h.locale().equals("zh-CN"));
  }

  @Test
  @Order(3)
  void filtersHoldAndHybridFusesBothLists() throws Exception {
    List<ContentHit> ads =
        search.search(
            new ContentQuery(
                "great value",
                CopyLocale.EN_US,
                "ad_copy",
                null,
                60,
                ContentQuery.SearchMode.HYBRID));
    assertThat(ads)
        .isNotEmpty()
        .allMatch(h -> "ad_copy".equals(h.kind()))
        .allMatch(h -> h.locale().equals("en-US"));
    // Every candidate of both lists comes back fused: some from each list.
    assertThat(ads).anyMatch(h -> h.bm25Rank() > 0).anyMatch(h -> h.knnRank() > 0);
  }

  @Test
  @Order(4)
  void aShoppersAffinityLiftsTheirCategory() throws Exception {
    ContentQuery plain =
        new ContentQuery(
            "new arrivals for you",
            CopyLocale.EN_US,
            null,
            null,
            20,
            ContentQuery.SearchMode.HYBRID);
    List<ContentHit> before = search.search(plain);
    String category = before.get(before.size() - 1).category();
    ContentSearch personal =
        new ContentSearch(index, MiniLmEmbedder.shared(), user -> Map.of(category, 1.0));
    List<ContentHit> after =
        personal.search(
            new ContentQuery(
                plain.text(), CopyLocale.EN_US, null, "u1", 20, ContentQuery.SearchMode.HYBRID));
    double rankBefore = meanRank(before, category);
    double rankAfter = meanRank(after, category);
    assertThat(rankAfter).isLessThan(rankBefore);
  }

  private static double meanRank(List<ContentHit> hits, String category) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < hits.size(); i++) {
      if (category.equals(hits.get(i).category())) {
        sum += i;
        n++;
      }
    }
    return n == 0 ? Double.MAX_VALUE : sum / n;
  }

  @Test
  @Order(5)
  void aRebuildSwapsTheAliasWhileSearchesRunAndNeverServesAHalfIndex() throws Exception {
    String before = index.currentIndex();
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger searches = new AtomicInteger();
    AtomicInteger partial = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long full = documents.size();
    Thread searcher =
        new Thread(
            () -> {
              while (!done.get()) {
                try {
                  long n = index.count();
                  if (n != full) {
                    partial.incrementAndGet();
                  }
                  search.search(ContentQuery.of("kitchen", 5));
                  searches.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                  failure.compareAndSet(null, e);
                }
              }
            });
    searcher.start();
    ContentIndex.Rebuild rebuild = index.rebuild(documents, n -> {});
    Thread.sleep(200);
    done.set(true);
    searcher.join();
    assertThat(failure.get()).isNull();
    assertThat(searches.get()).isPositive();
    assertThat(partial.get()).isZero();
    assertThat(rebuild.previous()).isEqualTo(before);
    assertThat(index.currentIndex()).isEqualTo(rebuild.index()).isNotEqualTo(before);
    assertThat(index.indices()).containsExactly(rebuild.index());
    // Read-optimised before the swap: one segment; the source keeps no vector or term lists.
    var segments = index.client().indices().segments(x -> x.index(rebuild.index())).indices();
    assertThat(segments.get(rebuild.index()).shards().get("0").get(0).numSearchSegments())
        .isEqualTo(1);
    var stored =
        index
            .client()
            .get(g -> g.index(ContentIndex.ALIAS).id(documents.get(0).id()), JsonNode.class)
            .source();
    assertThat(stored.has("title")).isTrue();
    assertThat(stored.has("embedding")).isFalse();
    assertThat(stored.has("terms_en")).isFalse();
    assertThat(rebuild.loadMillis() + rebuild.mergeMillis()).isLessThanOrEqualTo(rebuild.millis());
  }

  @Test
  @Order(6)
  void aRebuildThatCannotIndexEveryDocumentLeavesTheLiveIndexAlone() throws Exception {
    String live = index.currentIndex();
    List<ContentDocument> broken = new ArrayList<>(documents.subList(0, 10));
    broken.add(documents.get(10).withEmbedding(new float[] {1f, 0f})); // wrong dimensions
    assertThatThrownBy(() -> index.rebuild(broken, n -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("1 documents could not be indexed");
    assertThat(index.currentIndex()).isEqualTo(live);
    assertThat(index.count()).isEqualTo(documents.size());
    assertThat(index.indices()).containsExactly(live);
  }
}
