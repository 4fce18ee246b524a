package io.flywheel.core;

/** A URL fit for messages and logs: any {@code user:password@} it carries is masked. */
public final class RedactedUri {
  private RedactedUri() {}

  public static String of(String uri) {
    if (uri == null) {
      return null;
    }
    int scheme = uri.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int end = uri.indexOf('/', start);
    String authority = end < 0 ? uri.substring(start) : uri.substring(start, end);
    int at = authority.lastIndexOf('@');
    if (at < 0) {
      return uri;
    }
    return uri.substring(0, start)
        + "***@"
        + authority.substring(at + 1)
        + (end < 0 ? "" : uri.substring(end));
  }
}
