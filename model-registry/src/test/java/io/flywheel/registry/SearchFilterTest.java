package io.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SearchFilterTest {
  @Test
  void parsesComparisonsJoinedByAnd() {
    SearchFilter f = SearchFilter.parse("tags.`flywheel.task` = 'train AND x' and "
        + "metrics.auc >= 0.7 AND attributes.status = 'FINISHED' AND name LIKE 'ctr%'");
    assertThat(f.clauses()).containsExactly(
        new SearchFilter.Clause("tags", "flywheel.task", "=", "train AND x"),
        new SearchFilter.Clause("metrics", "auc", ">=", "0.7"),
        new SearchFilter.Clause("attributes", "status", "=", "FINISHED"),
        new SearchFilter.Clause("attributes", "name", "LIKE", "ctr%"));
    assertThat(f.clauses().get(1).matches("0.71")).isTrue();
    assertThat(f.clauses().get(1).matches("0.69")).isFalse();
    assertThat(f.clauses().get(3).matches("ctr-model")).isTrue();
    assertThat(f.clauses().get(3).matches("cvr")).isFalse();
    assertThat(SearchFilter.parse("tags.k = 'it\\'s'").clauses().get(0).value())
        .isEqualTo("it's");
  }

  @Test
  void rejectsWhatItCannotParse() {
    assertThatThrownBy(() -> SearchFilter.parse("tags.k = 'a' OR tags.k = 'b'"))
        .isInstanceOf(MlflowError.class).hasMessageContaining("filter");
  }
}
