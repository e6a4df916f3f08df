package dev.corral.sidecar.collapse.ranges;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@code Content-Range} field (RFC 9110 §14.4): {@code bytes first-last/complete},
 * {@code bytes first-last/*} (length unknown) or {@code bytes *}{@code /complete} (a 416).
 */
public record ContentRange(long first, long last, long completeLength) {
  /** {@link #completeLength} when the sender did not know it ({@code /*}). */
  public static final long UNKNOWN_LENGTH = -1;

  public ContentRange {
    boolean unsatisfied = first == -1 && last == -1 && completeLength >= 0;
    boolean range = first >= 0 && last >= first
        && (completeLength == UNKNOWN_LENGTH || last < completeLength);
    if (!unsatisfied && !range) {
      throw new IllegalArgumentException(
          "content-range: " + first + "-" + last + "/" + completeLength
              + " (expected: first <= last < completeLength)");
    }
  }

  public static ContentRange of(long first, long last, long completeLength) {
    return new ContentRange(first, last, completeLength);
  }

  /** {@code bytes *}{@code /length}, sent with a 416. */
  public static ContentRange unsatisfied(long completeLength) {
    return new ContentRange(-1, -1, completeLength);
  }

  public boolean isUnsatisfied() {
    return first == -1;
  }

  public boolean lengthKnown() {
    return completeLength != UNKNOWN_LENGTH;
  }

  /** Bytes in the range (0 for an unsatisfied one). */
  public long length() {
    return isUnsatisfied() ? 0 : last - first + 1;
  }

  /** Parses a Content-Range value; empty when absent, not in bytes, or invalid. */
  public static Optional<ContentRange> parse(@Nullable String value) {
    if (value == null) {
      return Optional.empty();
    }
    String s = value.strip();
    int sp = s.indexOf(' ');
    if (sp <= 0 || !s.substring(0, sp).equalsIgnoreCase("bytes")) {
      return Optional.empty();
    }
    String rest = s.substring(sp + 1).strip();
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String range = rest.substring(0, slash);
    String len = rest.substring(slash + 1);
    long complete = len.equals("*") ? UNKNOWN_LENGTH : digits(len);
    if (complete == -2) {
      return Optional.empty();
    }
    if (range.equals("*")) {
      return complete < 0 ? Optional.empty() : Optional.of(unsatisfied(complete));
    }
    int dash = range.indexOf('-');
    if (dash <= 0) {
      return Optional.empty();
    }
    long first = digits(range.substring(0, dash));
    long last = digits(range.substring(dash + 1));
    if (first < 0 || last < first || complete != UNKNOWN_LENGTH && last >= complete) {
      return Optional.empty();
    }
    return Optional.of(new ContentRange(first, last, complete));
  }

  /** The field value, e.g. {@code bytes 0-65535/10485760}. */
  public String format() {
    if (isUnsatisfied()) {
      return "bytes */" + completeLength;
    }
    return "bytes " + first + "-" + last + "/" + (lengthKnown() ? completeLength : "*");
  }

  @Override
  public String toString() {
    return format();
  }

  /** 1*DIGIT with no overflow; -2 when invalid. */
  private static long digits(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -2;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -2;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
