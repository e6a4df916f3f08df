package dev.corral.sidecar.collapse.ranges;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The grammar of RFC 9110 §14.1.1 and §14.2, strict inside a range-spec, lenient around it. */
public final class RangeParser {
  /** A bound on list elements, so a hostile field costs little. */
  private static final int MAX_RANGES = 64;

  private RangeParser() {}

  public static @Nullable ByteRangeSpec parse(@Nullable String field) {
    if (field == null) {
      return null;
    }
    String s = field.strip();
    int eq = s.indexOf('=');
    if (eq <= 0 || !s.substring(0, eq).equalsIgnoreCase("bytes")) {
      return null; // another unit, or no unit: ignored
    }
    List<ByteRangeSpec.Single> ranges = new ArrayList<>();
    for (String element : s.substring(eq + 1).split(",", -1)) {
      String e = element.strip(); // OWS around list elements
      if (e.isEmpty()) {
        continue; // empty list elements are allowed and ignored
      }
      ByteRangeSpec.Single r = single(e);
      if (r == null || ranges.size() == MAX_RANGES) {
        return null;
      }
      ranges.add(r);
    }
    if (ranges.isEmpty()) {
      return null;
    }
    return ranges.size() == 1 ? ranges.get(0) : new ByteRangeSpec.Multiple(ranges);
  }

  private static ByteRangeSpec.@Nullable Single single(String e) {
    int dash = e.indexOf('-');
    if (dash < 0 || dash != e.lastIndexOf('-')) {
      return null;
    }
    String a = e.substring(0, dash);
    String b = e.substring(dash + 1);
    if (a.isEmpty()) {
      long n = digits(b);
      return n < 0 ? null : new ByteRangeSpec.Suffix(n);
    }
    long first = digits(a);
    if (first < 0) {
      return null;
    }
    if (b.isEmpty()) {
      return new ByteRangeSpec.From(first);
    }
    long last = digits(b);
    if (last < 0 || last < first) {
      return null; // "bytes=5-2" makes the whole field invalid
    }
    return new ByteRangeSpec.FromTo(first, last);
  }

  /** 1*DIGIT, saturating at Long.MAX_VALUE; -1 when not digits. */
  private static long digits(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      int d = c - '0';
      v = v > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : v * 10 + d;
    }
    return v;
  }
}
