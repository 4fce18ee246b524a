package io.flywheel.webconsole;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.HashMap;
import java.util.Map;

/** Renders pages: the jte template of a page inside the frame, escaped as HTML. */
final class Views {
  private final TemplateEngine engine =
      TemplateEngine.createPrecompiled(
          null, ContentType.Html, Views.class.getClassLoader(), "io.flywheel.webconsole");
  private final ConsoleSessions sessions;

  Views(ConsoleSessions sessions) {
    this.sessions = sessions;
  }

  Frame frame(Context ctx, String title, String section) {
    ConsoleSessions.Session s = sessions.session(ctx);
    String path = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
    return new Frame(
        title, section, s != null, sessions.canSignIn(), s == null ? "" : s.csrf(), path);
  }

  /** Renders {@code template} with the frame and {@code page} as its parameters. */
  void page(Context ctx, String template, String title, String section, Object page) {
    Map<String, Object> params = new HashMap<>();
    params.put("frame", frame(ctx, title, section));
    params.put("page", page);
    StringOutput out = new StringOutput();
    engine.render(template, params, out);
    ctx.html(out.toString());
  }

  record Problem(String message) {}

  void problem(Context ctx, HttpStatus status, String title, String message) {
    ctx.status(status);
    page(ctx, "problem.jte", title, "", new Problem(message));
  }

  record SignIn(boolean possible, String next, String error) {}

  void signIn(Context ctx, boolean possible, String next, String error) {
    page(ctx, "signin.jte", "Sign in", "", new SignIn(possible, next, error));
  }
}
