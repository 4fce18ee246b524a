package io.flywheel.webconsole;

import java.util.List;

/**
 * What every page's frame needs: its title and section, and who is looking (signed in, with the
 * session's CSRF token for forms).
 */
record Frame(
    String title, String section, boolean signedIn, boolean canSignIn, String csrf, String path) {
  /** A section of the navigation. */
  record Section(String name, String label, String path) {}

  static final List<Section> SECTIONS =
      List.of(
          new Section("overview", "Overview", "/"),
          new Section("runs", "Experiments & runs", "/runs"),
          new Section("models", "Models", "/models"),
          new Section("pipelines", "Pipelines", "/pipelines"),
          new Section("features", "Features", "/features"),
          new Section("ab", "A/B experiments", "/ab"),
          new Section("content", "Content", "/content"));

  /** Where uPlot's files are served from (its WebJar). */
  static final String UPLOT = "/webjars/uplot/1.6.30/dist/";

  boolean current(Section s) {
    return s.name().equals(section);
  }
}
