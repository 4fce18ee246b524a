package io.flywheel.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * The token Flywheel's HTTP APIs require for changes, checked as RFC 6750 says: the scheme {@code
 * Bearer} in any letter case, the credentials compared in constant time. Surrounding whitespace is
 * trimmed on both sides, so a token pasted with a newline still works.
 */
public final class BearerToken {
  private final byte[] expected;

  private BearerToken(byte[] expected) {
    this.expected = expected;
  }

  /** A token that must be presented; refuses a blank one (that would accept anybody). */
  public static BearerToken of(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("token: must not be blank");
    }
    return new BearerToken(token.trim().getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code presented} (a sign-in form's field, say) is this token. */
  public boolean accepts(String presented) {
    return presented != null
        && MessageDigest.isEqual(presented.trim().getBytes(StandardCharsets.UTF_8), expected);
  }

  /** Whether an {@code Authorization} header value presents this token. */
  public boolean acceptsHeader(String authorization) {
    if (authorization == null) {
      return false;
    }
    String value = authorization.trim();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
      return false;
    }
    byte[] given = value.substring(space + 1).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected);
  }
}
