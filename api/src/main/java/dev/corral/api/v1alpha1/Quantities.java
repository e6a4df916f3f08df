package dev.corral.api.v1alpha1;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

/**
 * Parses Kubernetes quantities used as sizes ({@code 64Ki}, {@code 8Mi}, {@code 1.5Gi},
 * {@code 500k}, {@code 1e6}) into bytes.
 */
public final class Quantities {
  private Quantities() {}

  private static final String SUFFIXES = "Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E";

  /**
   * Parses {@code text} into a whole, non-negative number of bytes.
   *
   * @throws IllegalArgumentException naming the offending part, e.g.
   *     {@code "64MB": unknown suffix "MB" (expected one of Ki, Mi, ...)}
   */
  public static long parseBytes(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("\"" + text + "\": empty quantity (expected e.g. 64Ki, 8Mi)");
    }
    if (s.charAt(0) == '-') {
      throw new IllegalArgumentException("\"" + text + "\": a size cannot be negative");
    }
    int i = s.charAt(0) == '+' ? 1 : 0;
    int numStart = i;
    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      i++;
    }
    String number = s.substring(numStart, i);
    String suffix = s.substring(i);
    if (number.isEmpty()) {
      throw new IllegalArgumentException("\"" + text + "\": expected a number before \"" + suffix + "\"");
    }
    BigDecimal value;
    try {
      value = new BigDecimal(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\": \"" + number + "\" is not a number");
    }
    BigDecimal bytes = value.multiply(multiplier(text, suffix));
    BigInteger exact;
    try {
      exact = bytes.stripTrailingZeros().toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("\"" + text + "\": is " + bytes.stripTrailingZeros().toPlainString()
          + " bytes (expected a whole number of bytes)");
    }
    if (exact.bitLength() > 63) {
      throw new IllegalArgumentException("\"" + text + "\": too large (at most " + Long.MAX_VALUE + " bytes)");
    }
    return exact.longValue();
  }

  private static BigDecimal multiplier(String text, String suffix) {
    switch (suffix) {
      case "": return BigDecimal.ONE;
      case "Ki": return BigDecimal.valueOf(1L << 10);
      case "Mi": return BigDecimal.valueOf(1L << 20);
      case "Gi": return BigDecimal.valueOf(1L << 30);
      case "Ti": return BigDecimal.valueOf(1L << 40);
      case "Pi": return BigDecimal.valueOf(1L << 50);
      case "Ei": return BigDecimal.valueOf(1L << 60);
      case "k": return BigDecimal.TEN.pow(3);
      case "M": return BigDecimal.TEN.pow(6);
      case "G": return BigDecimal.TEN.pow(9);
      case "T": return BigDecimal.TEN.pow(12);
      case "P": return BigDecimal.TEN.pow(15);
      case "E": return BigDecimal.TEN.pow(18);
      case "m":
        throw new IllegalArgumentException("\"" + text + "\": the milli suffix \"m\" makes no sense for a size"
            + " (for mebibytes write Mi)");
      default:
        if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
          try {
            int exp = Integer.parseInt(suffix.substring(1));
            if (exp < 0 || exp > 18) {
              throw new IllegalArgumentException("\"" + text + "\": exponent " + exp + " out of range (0-18)");
            }
            return BigDecimal.TEN.pow(exp);
          } catch (NumberFormatException ignored) {
            // fall through to the unknown-suffix error
          }
        }
        String hint = suffix.equalsIgnoreCase("kb") || suffix.equalsIgnoreCase("mb") || suffix.equalsIgnoreCase("gb")
            ? "; for " + suffix + " write " + Character.toUpperCase(suffix.charAt(0)) + "i"
            : suffix.equals("K") ? "; for kibibytes write Ki, for kilobytes k" : "";
        throw new IllegalArgumentException("\"" + text + "\": unknown suffix \"" + suffix
            + "\" (expected one of " + SUFFIXES + hint + ")");
    }
  }
}
