package dev.corral.api.v1alpha1;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * Parses Kubernetes-style durations ({@code 250ms}, {@code 5s}, {@code 1h30m}, {@code 1.5s}), the
 * syntax of Go's {@code time.ParseDuration} without the sign: policies never need negative times.
 */
public final class Durations {
  private Durations() {}

  private static final String UNITS = "ns, us, ms, s, m, h";

  /**
   * Parses {@code text} into a non-negative {@link Duration}.
   *
   * @throws IllegalArgumentException naming the offending part, e.g.
   *     {@code "5x": unknown unit "x" (expected one of ns, us, ms, s, m, h)}
   */
  public static Duration parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("\"" + text + "\": empty duration (expected e.g. 250ms, 5s, 1h)");
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      throw new IllegalArgumentException("\"" + text + "\": a sign is not allowed (expected a duration >= 0)");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int numStart = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (numStart == i) {
        throw new IllegalArgumentException("\"" + text + "\": expected a number at position " + numStart
            + " (expected e.g. 250ms, 5s, 1h30m)");
      }
      String number = s.substring(numStart, i);
      BigDecimal value;
      try {
        value = new BigDecimal(number);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + text + "\": \"" + number + "\" is not a number");
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      if (unit.isEmpty()) {
        throw new IllegalArgumentException("\"" + text + "\": missing unit after " + number
            + " (expected one of " + UNITS + ")");
      }
      nanos = nanos.add(value.multiply(BigDecimal.valueOf(nanosPer(text, unit))));
    }
    BigDecimal whole = nanos.setScale(0, java.math.RoundingMode.DOWN);
    if (whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("\"" + text + "\": too large (at most ~292 years)");
    }
    return Duration.ofNanos(whole.longValueExact());
  }

  /** Like {@link #parse} but {@code null} stays {@code null}, for optional fields. */
  public static Duration parseOrNull(String text) {
    return text == null ? null : parse(text);
  }

  private static long nanosPer(String text, String unit) {
    switch (unit) {
      case "ns": return 1L;
      case "us":
      case "\u00b5s":
      case "\u03bcs": return 1_000L;
      case "ms": return 1_000_000L;
      case "s": return 1_000_000_000L;
      case "m": return 60_000_000_000L;
      case "h": return 3_600_000_000_000L;
      default:
        throw new IllegalArgumentException("\"" + text + "\": unknown unit \"" + unit
            + "\" (expected one of " + UNITS + ")");
    }
  }
}
