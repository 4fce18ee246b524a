package io.flywheel.evaluation;

/**
 * What a difference between two models means once its uncertainty is known: a win or a loss only
 * when the whole confidence interval lies on one side of zero.
 */
public enum Verdict {
  CLEAR_WIN("a clear win"),
  NO_CLEAR_DIFFERENCE("no clear difference"),
  CLEAR_LOSS("a clear loss");

  private final String text;

  Verdict(String text) {
    this.text = text;
  }

  /** The verdict on a difference (challenger minus champion) and its interval. */
  public static Verdict of(double lower, double upper) {
    if (lower > 0) {
      return CLEAR_WIN;
    }
    if (upper < 0) {
      return CLEAR_LOSS;
    }
    return NO_CLEAR_DIFFERENCE;
  }

  public static Verdict of(Bootstrap.Interval difference) {
    return of(difference.lower(), difference.upper());
  }

  /** For people: "a clear win", "no clear difference", "a clear loss". */
  public String text() {
    return text;
  }
}
