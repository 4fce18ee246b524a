package io.flywheel.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of MLflow's search-filter grammar the embedded server understands: comparisons joined
 * by {@code AND}, each {@code [entity.]key OP value} where the entity is {@code tags}, {@code
 * params}, {@code metrics} or {@code attributes} (or none, for attributes), the key may be quoted
 * with backticks or double quotes, and the value is a quoted string or a number. Anything else is
 * rejected with the offending text, never ignored.
 */
record SearchFilter(List<Clause> clauses) {
  /**
   * One comparison; {@code values} holds the list of {@code IN (...)} / {@code NOT IN (...)} and is
   * empty otherwise.
   */
  record Clause(String entity, String key, String op, String value, List<String> values) {
    Clause(String entity, String key, String op, String value) {
      this(entity, key, op, value, List.of());
    }

    boolean matches(String actual) {
      if (actual == null) {
        return false;
      }
      return switch (op) {
        case "IN" -> values.contains(actual);
        case "NOT IN" -> !values.contains(actual);
        case "=" -> actual.equals(value);
        case "!=" -> !actual.equals(value);
        case "LIKE" -> like(actual, value, false);
        case "ILIKE" -> like(actual, value, true);
        default -> compare(actual);
      };
    }

    private boolean compare(String actual) {
      double a;
      double b;
      try {
        a = Double.parseDouble(actual);
        b = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        int c = actual.compareTo(value);
        return test(c);
      }
      return test(Double.compare(a, b));
    }

    private boolean test(int c) {
      return switch (op) {
        case ">" -> c > 0;
        case ">=" -> c >= 0;
        case "<" -> c < 0;
        case "<=" -> c <= 0;
        default -> false;
      };
    }

    private static boolean like(String actual, String pattern, boolean ignoreCase) {
      StringBuilder regex = new StringBuilder();
      for (char ch : pattern.toCharArray()) {
        if (ch == '%') {
          regex.append(".*");
        } else if (ch == '_') {
          regex.append('.');
        } else {
          regex.append(Pattern.quote(String.valueOf(ch)));
        }
      }
      int flags = ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
      return Pattern.compile(regex.toString(), flags | Pattern.DOTALL).matcher(actual).matches();
    }
  }

  /**
   * Whether every clause holds, {@code actual} giving the value each clause compares (null when the
   * entity has no such key). Every clause is evaluated, so one naming something the caller cannot
   * resolve (it throws) is refused even when an earlier clause already failed.
   */
  boolean matches(Function<Clause, String> actual) {
    boolean ok = true;
    for (Clause c : clauses) {
      ok &= c.matches(actual.apply(c));
    }
    return ok;
  }

  private static final Pattern CLAUSE =
      Pattern.compile(
          "\\s*(?:(tags|tag|params|param|metrics|metric|attributes|attribute|attr|run)\\.)?"
              + "(`[^`]+`|\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_.\\-/]*)"
              + "\\s*(!=|>=|<=|=|>|<|(?i:ILIKE)|(?i:LIKE)|(?i:NOT\\s+IN)|(?i:IN))\\s*"
              + "('(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9][0-9.eE+\\-]*"
              + "|\\(\\s*'(?:[^'\\\\]|\\\\.)*'(?:\\s*,\\s*'(?:[^'\\\\]|\\\\.)*')*\\s*\\))\\s*",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern AND = Pattern.compile("(?i)\\s+AND\\s+");

  static SearchFilter parse(String filter) {
    List<Clause> clauses = new ArrayList<>();
    if (filter == null || filter.isBlank()) {
      return new SearchFilter(clauses);
    }
    for (String part : splitOnAnd(filter)) {
      Matcher m = CLAUSE.matcher(part);
      if (!m.matches()) {
        throw MlflowError.invalid(
            "filter",
            "cannot parse '"
                + part.trim()
                + "' (expected "
                + "[tags.|params.|metrics.|attributes.]key <op> 'value', joined by AND)");
      }
      String entity = m.group(1) == null ? "attributes" : canonical(m.group(1));
      String key = unquote(m.group(2));
      String op = m.group(3).toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
      String raw = m.group(4);
      List<String> values = List.of();
      String value;
      if (raw.startsWith("(")) {
        values = listValues(raw);
        value = null;
      } else {
        value = unquote(raw);
      }
      checkTypes(part.trim(), entity, key, op, raw);
      clauses.add(new Clause(entity, key, op, value, values));
    }
    return new SearchFilter(List.copyOf(clauses));
  }

  private static final java.util.Set<String> NUMERIC_ATTRIBUTES =
      java.util.Set.of(
          "start_time",
          "end_time",
          "creation_time",
          "last_update_time",
          "creation_timestamp",
          "last_updated_timestamp");
  private static final java.util.Set<String> NUMERIC_OPS =
      java.util.Set.of("=", "!=", ">", ">=", "<", "<=");
  private static final java.util.Set<String> STRING_OPS =
      java.util.Set.of("=", "!=", "LIKE", "ILIKE", "IN", "NOT IN");

  /**
   * MLflow's type rules: metrics compare with numbers (never IN); params and tags with quoted
   * strings, by =, !=, LIKE, ILIKE or IN. Attributes keep each store's own rules.
   */
  private static void checkTypes(String clause, String entity, String key, String op, String raw) {
    boolean quoted = raw.startsWith("'") || raw.startsWith("\"") || raw.startsWith("(");
    if (entity.equals("metrics")) {
      if (!NUMERIC_OPS.contains(op)) {
        throw MlflowError.invalid(
            "filter", "'" + clause + "': metrics." + key + " compares with " + NUMERIC_OPS);
      }
      if (quoted) {
        throw MlflowError.invalid(
            "filter", "'" + clause + "': metrics." + key + " takes a number, got " + raw);
      }
    } else if (entity.equals("params") || entity.equals("tags")) {
      if (!STRING_OPS.contains(op)) {
        throw MlflowError.invalid(
            "filter", "'" + clause + "': " + entity + "." + key + " compares with " + STRING_OPS);
      }
      if (!quoted) {
        throw MlflowError.invalid(
            "filter",
            "'" + clause + "': " + entity + "." + key + " takes a quoted string, got " + raw);
      }
    } else if (op.endsWith("IN") && NUMERIC_ATTRIBUTES.contains(key)) {
      throw MlflowError.invalid("filter", "'" + clause + "': IN compares strings, not " + key);
    }
  }

  private static List<String> listValues(String raw) {
    List<String> values = new ArrayList<>();
    Matcher item = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'").matcher(raw);
    while (item.find()) {
      values.add(item.group(1).replace("\\'", "'"));
    }
    return List.copyOf(values);
  }

  /** Splits on AND outside quotes, so a quoted value may contain the word. */
  private static List<String> splitOnAnd(String filter) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    char quote = 0;
    for (int i = 0; i < filter.length(); i++) {
      char ch = filter.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        }
      } else if (ch == '\'' || ch == '"' || ch == '`') {
        quote = ch;
      } else {
        Matcher m = AND.matcher(filter).region(i, filter.length());
        if (Character.isWhitespace(ch) && m.lookingAt()) {
          parts.add(filter.substring(start, i));
          start = m.end();
          i = m.end() - 1;
        }
      }
    }
    parts.add(filter.substring(start));
    return parts;
  }

  private static String canonical(String entity) {
    return switch (entity.toLowerCase(Locale.ROOT)) {
      case "tag", "tags" -> "tags";
      case "param", "params" -> "params";
      case "metric", "metrics" -> "metrics";
      default -> "attributes";
    };
  }

  private static String unquote(String text) {
    if (text.length() >= 2) {
      char first = text.charAt(0);
      if ((first == '\'' || first == '"' || first == '`')
          && text.charAt(text.length() - 1) == first) {
        return text.substring(1, text.length() - 1).replace("\\" + first, String.valueOf(first));
      }
    }
    return text;
  }
}
