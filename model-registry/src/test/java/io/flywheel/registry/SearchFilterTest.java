package io.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SearchFilterTest {
  @Test
  void parsesComparisonsJoinedByAnd() {
    SearchFilter f =
        SearchFilter.parse(
            "tags.`flywheel.task` = 'train AND x' and "
                + "metrics.auc >= 0.7 AND attributes.status = 'FINISHED' AND name LIKE 'ctr%'");
    assertThat(f.clauses())
        .containsExactly(
            new SearchFilter.Clause("tags", "flywheel.task", "=", "train AND x"),
            new SearchFilter.Clause("metrics", "auc", ">=", "0.7"),
            new SearchFilter.Clause("attributes", "status", "=", "FINISHED"),
            new SearchFilter.Clause("attributes", "name", "LIKE", "ctr%"));
    assertThat(f.clauses().get(1).matches("0.71")).isTrue();
    assertThat(f.clauses().get(1).matches("0.69")).isFalse();
    assertThat(f.clauses().get(3).matches("ctr-model")).isTrue();
    assertThat(f.clauses().get(3).matches("cvr")).isFalse();
    assertThat(SearchFilter.parse("tags.k = 'it\\'s'").clauses().get(0).value()).isEqualTo("it's");
  }

  @Test
  void rejectsWhatItCannotParse() {
    assertThatThrownBy(() -> SearchFilter.parse("tags.k = 'a' OR tags.k = 'b'"))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("filter");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tags.k = 'a' OR tags.k = 'b'",
        "(tags.k = 'a')",
        "tags.k = abc",
        "tags.k =",
        "= 'a'",
        "tags.k 'a'",
        "tags.k ~ 'a'",
        "tags.k = 'unterminated",
        "tags.k = 'a' AND",
        "NOT tags.k = 'a'",
        "tags.k IS NULL"
      })
  void refusesUnsupportedClausesNamingTheOffendingText(String filter) {
    assertThatThrownBy(() -> SearchFilter.parse(filter))
        .isInstanceOfSatisfying(
            MlflowError.class,
            e -> assertThat(e.code).isEqualTo(MlflowError.Code.INVALID_PARAMETER_VALUE))
        .hasMessageStartingWith("Invalid value for 'filter': cannot parse '")
        .hasMessageContaining("joined by AND");
  }

  @Test
  void theRefusalQuotesTheClauseItCouldNotRead() {
    assertThatThrownBy(() -> SearchFilter.parse("tags.a = '1' AND tags.b IS NULL AND c = 2"))
        .hasMessageContaining("cannot parse 'tags.b IS NULL'");
  }

  @Test
  void inListsMatchAnyOfTheirValuesAndTypesFollowMlflow() {
    SearchFilter.Clause in =
        SearchFilter.parse("attributes.run_id IN ('a', 'b\\'c')").clauses().get(0);
    assertThat(in.op()).isEqualTo("IN");
    assertThat(in.values()).containsExactly("a", "b'c");
    assertThat(in.matches("b'c")).isTrue();
    assertThat(in.matches("d")).isFalse();
    SearchFilter.Clause notIn = SearchFilter.parse("tags.k NOT  IN ('x')").clauses().get(0);
    assertThat(notIn.op()).isEqualTo("NOT IN");
    assertThat(notIn.matches("y")).isTrue();
    assertThatThrownBy(() -> SearchFilter.parse("params.depth > '5'"))
        .hasMessageContaining("params.depth compares with");
    assertThatThrownBy(() -> SearchFilter.parse("metrics.auc = 'abc'"))
        .hasMessageContaining("metrics.auc takes a number");
    assertThatThrownBy(() -> SearchFilter.parse("metrics.auc IN ('1')"))
        .hasMessageContaining("metrics.auc compares with");
    assertThatThrownBy(() -> SearchFilter.parse("tags.k = 5"))
        .hasMessageContaining("takes a quoted string");
  }

  @Test
  void blankFiltersHaveNoClausesAndMatchEverything() {
    assertThat(SearchFilter.parse(null).clauses()).isEmpty();
    assertThat(SearchFilter.parse("   ").clauses()).isEmpty();
    assertThat(
            SearchFilter.parse("")
                .matches(
                    c -> {
                      throw new AssertionError("no clause to resolve");
                    }))
        .isTrue();
  }

  @Test
  void readsEntityAliasesQuotedKeysAndOperators() {
    assertThat(
            SearchFilter.parse(
                    "tag.a = 'x' AND param.b != 'y' AND metric.c < 1 AND "
                        + "attr.d ILIKE 'Z%' AND run.e <= -2.5 AND \"f g\" > 3 AND params.`h i` = \"q\"")
                .clauses())
        .containsExactly(
            new SearchFilter.Clause("tags", "a", "=", "x"),
            new SearchFilter.Clause("params", "b", "!=", "y"),
            new SearchFilter.Clause("metrics", "c", "<", "1"),
            new SearchFilter.Clause("attributes", "d", "ILIKE", "Z%"),
            new SearchFilter.Clause("attributes", "e", "<=", "-2.5"),
            new SearchFilter.Clause("attributes", "f g", ">", "3"),
            new SearchFilter.Clause("params", "h i", "=", "q"));
  }

  @Test
  void clausesCompareNumbersAsNumbersAndMissingValuesNeverMatch() {
    SearchFilter.Clause gt = new SearchFilter.Clause("metrics", "auc", ">", "9");
    assertThat(gt.matches("10")).isTrue(); // numerically, although "10" < "9" as text
    assertThat(gt.matches(null)).isFalse();
    assertThat(new SearchFilter.Clause("tags", "k", "!=", "a").matches(null)).isFalse();
    assertThat(new SearchFilter.Clause("tags", "k", ">", "b").matches("c")).isTrue();
    assertThat(new SearchFilter.Clause("tags", "k", "LIKE", "a_c").matches("abc")).isTrue();
    assertThat(new SearchFilter.Clause("tags", "k", "LIKE", "a_c").matches("ABC")).isFalse();
    assertThat(new SearchFilter.Clause("tags", "k", "ILIKE", "a_c").matches("ABC")).isTrue();
    assertThat(new SearchFilter.Clause("tags", "k", "LIKE", "a.c").matches("abc")).isFalse();
  }

  @Test
  void everyClauseIsResolvedSoAnUnknownKeyIsRefusedEvenAfterAMiss() {
    SearchFilter f = SearchFilter.parse("tags.k = 'a' AND attributes.bogus = 'b'");
    assertThatThrownBy(
            () ->
                f.matches(
                    c -> {
                      if (c.key().equals("bogus")) {
                        throw MlflowError.invalid("filter", "unknown attribute 'bogus'");
                      }
                      return "not a";
                    }))
        .isInstanceOf(MlflowError.class)
        .hasMessageContaining("bogus");
  }
}
