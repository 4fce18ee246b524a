package io.flywheel.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page for one evaluated model: its figures, its context (what it predicts,
 * on which rows, against which champion) and its charts, linked by relative path so the folder can
 * be logged as one run artifact.
 */
public final class EvaluationReport {
  private EvaluationReport() {}

  /** Writes {@code dir/report.html} and returns its path. */
  public static Path writeHtml(
      Path dir,
      String title,
      Map<String, String> context,
      Map<String, Double> metrics,
      List<Path> charts)
      throws IOException {
    Files.createDirectories(dir);
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(escape(title))
        .append(
            "</title><style>body{font-family:sans-serif;margin:2em;"
                + "color:#222}table{border-collapse:collapse;margin-bottom:1.5em}td,th{padding:4px 12px;"
                + "border-bottom:1px solid #ddd;text-align:left}td.num{text-align:right;"
                + "font-variant-numeric:tabular-nums}img{margin:0 1em 1em 0;border:1px solid #eee}"
                + "</style></head><body>\n<h1>")
        .append(escape(title))
        .append("</h1>\n");
    html.append("<table>\n");
    context.forEach(
        (k, v) ->
            html.append("<tr><th>")
                .append(escape(k))
                .append("</th><td>")
                .append(escape(v))
                .append("</td></tr>\n"));
    html.append("</table>\n<h2>Figures</h2>\n<table>\n<tr><th>metric</th><th>value</th></tr>\n");
    metrics.forEach(
        (k, v) ->
            html.append("<tr><td>")
                .append(escape(k))
                .append("</td><td class=\"num\">")
                .append(format(v))
                .append("</td></tr>\n"));
    html.append("</table>\n");
    if (!charts.isEmpty()) {
      html.append("<h2>Charts</h2>\n<div>\n");
      for (Path chart : charts) {
        String rel =
            dir.toAbsolutePath()
                .normalize()
                .relativize(chart.toAbsolutePath().normalize())
                .toString()
                .replace('\\', '/');
        html.append("<img src=\"")
            .append(escape(rel))
            .append("\" alt=\"")
            .append(escape(chart.getFileName().toString()))
            .append("\" width=\"")
            .append(EvaluationPlots.WIDTH)
            .append("\">\n");
      }
      html.append("</div>\n");
    }
    html.append("</body></html>\n");
    Path file = dir.resolve("report.html");
    Files.writeString(file, html);
    return file;
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e12
        ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.4f", v);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
