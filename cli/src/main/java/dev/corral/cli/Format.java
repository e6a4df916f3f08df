package dev.corral.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How numbers read in corralctl's tables: with their unit, and {@code -} when there is no data. */
final class Format {
  static final String NONE = "-";

  private Format() {}

  /** A ratio as a percentage with two decimals: {@code 99.50%}. */
  static String percent(@Nullable Double ratio) {
    return ratio == null ? NONE : String.format(Locale.ROOT, "%.2f%%", ratio * 100);
  }

  /** Requests per second: {@code 1234rps}, {@code 12.3rps}, {@code 0.25rps}. */
  static String rps(@Nullable Double rps) {
    if (rps == null) {
      return NONE;
    }
    String pattern = rps >= 100 ? "%.0frps" : rps >= 10 ? "%.1frps" : "%.2frps";
    return String.format(Locale.ROOT, pattern, rps);
  }

  /** A latency in milliseconds: {@code 0.4ms}, {@code 4.2ms}, {@code 42ms}, {@code 1.25s}. */
  static String millis(@Nullable Double ms) {
    if (ms == null) {
      return NONE;
    }
    if (ms >= 1000) {
      return String.format(Locale.ROOT, "%.2fs", ms / 1000);
    }
    return String.format(Locale.ROOT, ms >= 10 ? "%.0fms" : "%.1fms", ms);
  }

  static String count(@Nullable Long n) {
    return n == null ? NONE : Long.toString(n);
  }

  /** A JSON number as a Double, null for a missing field or JSON null. */
  static @Nullable Double number(@Nullable JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() || !v.isNumber() ? null : v.asDouble();
  }

  static @Nullable Long integer(@Nullable JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() || !v.isNumber() ? null : v.asLong();
  }

  /** A text field, or {@code fallback} when missing or null. */
  static String text(@Nullable JsonNode node, String field, String fallback) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }
}
