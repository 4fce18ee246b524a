package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BearerTokenTest {
  @Test
  void theSchemeIsCaseInsensitiveAndWhitespaceIsTrimmed() {
    BearerToken token = BearerToken.of(" s3cret\n");
    assertThat(token.acceptsHeader("Bearer s3cret")).isTrue();
    assertThat(token.acceptsHeader("bearer s3cret")).isTrue();
    assertThat(token.acceptsHeader("BEARER  s3cret ")).isTrue();
    assertThat(token.acceptsHeader("Bearer s3cre")).isFalse();
    assertThat(token.acceptsHeader("Basic s3cret")).isFalse();
    assertThat(token.acceptsHeader("s3cret")).isFalse();
    assertThat(token.acceptsHeader(null)).isFalse();
    assertThatThrownBy(() -> BearerToken.of("  ")).hasMessageContaining("token");
  }

  @Test
  void credentialsInAUrlAreMaskedAndOtherUrlsLeftAlone() {
    assertThat(RedactedUri.of("https://alice:pw@mlflow.shop:5000/api"))
        .isEqualTo("https://***@mlflow.shop:5000/api");
    assertThat(RedactedUri.of("http://token@host")).isEqualTo("http://***@host");
    assertThat(RedactedUri.of("http://mlflow:5000")).isEqualTo("http://mlflow:5000");
    assertThat(RedactedUri.of("http://mlflow:5000/a@b")).isEqualTo("http://mlflow:5000/a@b");
  }
}
