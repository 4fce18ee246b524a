package io.flywheel.webconsole;

import io.flywheel.core.BearerToken;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may act: sign-in with the API token opens a session (a random id in an HttpOnly,
 * SameSite=Strict cookie, twelve hours) with its own CSRF token, which every form that changes
 * something carries. Reading needs neither.
 */
final class ConsoleSessions {
  static final String COOKIE = "flywheel_console";
  private static final long LIFETIME_MS = 12 * 3_600_000L;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A signed-in session. */
  record Session(String csrf, long expiresAt) {}

  /** An action refused: not signed in, or a form without the session's CSRF token. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient HttpStatus status;

    Refused(HttpStatus status, String message) {
      super(message);
      this.status = status;
    }

    HttpStatus status() {
      return status;
    }
  }

  private final BearerToken token;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  ConsoleSessions(String token) {
    this.token = token == null ? null : BearerToken.of(token);
  }

  boolean canSignIn() {
    return token != null;
  }

  /** The request's live session, or null. */
  Session session(Context ctx) {
    String id = ctx.cookie(COOKIE);
    if (id == null) {
      return null;
    }
    Session s = sessions.get(id);
    if (s == null || s.expiresAt() < System.currentTimeMillis()) {
      sessions.remove(id);
      return null;
    }
    return s;
  }

  /**
   * Refuses an action unless the request is signed in and carries the session's CSRF token (form
   * field {@code csrf}).
   */
  void requireAction(Context ctx) {
    Session s = session(ctx);
    if (s == null) {
      throw new Refused(HttpStatus.UNAUTHORIZED, "Sign in with the API token to do that.");
    }
    String presented = ctx.formParam("csrf");
    if (presented == null
        || !java.security.MessageDigest.isEqual(
            presented.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            s.csrf().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      throw new Refused(HttpStatus.FORBIDDEN, "The form's CSRF token is missing or stale.");
    }
  }

  void register(Javalin app, Views views) {
    app.get(
        "/signin", ctx -> views.signIn(ctx, canSignIn(), safeNext(ctx.queryParam("next")), null));
    app.post(
        "/signin",
        ctx -> {
          String next = safeNext(ctx.formParam("next"));
          if (token == null) {
            views.signIn(ctx, false, next, "This console has no API token: it is read-only.");
            ctx.status(HttpStatus.FORBIDDEN);
            return;
          }
          if (!token.accepts(ctx.formParam("token"))) {
            ctx.status(HttpStatus.UNAUTHORIZED);
            views.signIn(ctx, true, next, "That is not the API token.");
            return;
          }
          long now = System.currentTimeMillis();
          // Sessions nobody came back with would otherwise stay forever.
          sessions.values().removeIf(old -> old.expiresAt() < now);
          String id = random();
          sessions.put(id, new Session(random(), now + LIFETIME_MS));
          Cookie cookie = new Cookie(COOKIE, id);
          cookie.setHttpOnly(true);
          cookie.setSameSite(SameSite.STRICT);
          cookie.setPath("/");
          cookie.setMaxAge((int) (LIFETIME_MS / 1000));
          ctx.cookie(cookie);
          ctx.redirect(next, HttpStatus.SEE_OTHER);
        });
    app.post(
        "/signout",
        ctx -> {
          requireAction(ctx);
          sessions.remove(ctx.cookie(COOKIE));
          ctx.removeCookie(COOKIE, "/");
          ctx.redirect("/", HttpStatus.SEE_OTHER);
        });
  }

  /** Only a path on this console: never another host (no open redirect). */
  static String safeNext(String next) {
    return next != null
            && next.startsWith("/")
            && !next.startsWith("//")
            && !next.contains("\\")
            && !next.contains("\n")
        ? next
        : "/";
  }

  private static String random() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
