package io.flywheel.content;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a Chinese query reaches an English-only embedding model. */
class TextAnalysisTest {
  @Test
  void aChineseQueryIsGlossedWithTheEnglishOfTheCatalogueWordsItNames() {
    assertThat(TextAnalysis.englishGlossOf("黑色 相机")).contains("cameras").contains("black");
    // Brands stay as written; the longest catalogue word wins over the words inside it.
    assertThat(TextAnalysis.englishGlossOf("Norwave 笔记本电脑"))
        .contains("laptops")
        .contains("Norwave")
        .doesNotContain("电");
    // Nothing the vocabulary knows: no gloss, so the query is embedded as written.
    assertThat(TextAnalysis.englishGlossOf("随便看看")).isEmpty();
  }
}
