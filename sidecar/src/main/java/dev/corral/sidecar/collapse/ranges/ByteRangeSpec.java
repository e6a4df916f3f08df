package dev.corral.sidecar.collapse.ranges;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code Range: bytes=…} request field (RFC 9110 §14.1.2). {@link #parse} gives one
 * range, several ranges ({@link Multiple}: pass the request through), or nothing when the field
 * is absent or invalid, which the RFC says to ignore (serve the whole representation).
 */
public sealed interface ByteRangeSpec {

  /** Parses a Range field value; empty when absent, not in bytes, or invalid. */
  static Optional<ByteRangeSpec> parse(@Nullable String rangeHeader) {
    return Optional.ofNullable(RangeParser.parse(rangeHeader));
  }

  /** Whether this is a multi-range request, which is passed through and not coalesced. */
  default boolean isMultiple() {
    return this instanceof Multiple;
  }

  /** One range: {@code a-b}, {@code a-} or {@code -n}. */
  sealed interface Single extends ByteRangeSpec permits FromTo, From, Suffix {
    /** Resolves against the representation's length (RFC 9110 §14.1.1). */
    RangeResolution resolve(long totalLength);
  }

  /** {@code bytes=first-last}, both inclusive; {@code last} may lie past the end. */
  record FromTo(long first, long last) implements Single {
    public FromTo {
      if (first < 0 || last < first) {
        throw new IllegalArgumentException("range: " + first + "-" + last
            + " (expected: 0 <= first <= last)");
      }
    }

    @Override
    public RangeResolution resolve(long totalLength) {
      checkLength(totalLength);
      if (first >= totalLength) {
        return RangeResolution.unsatisfiable(totalLength);
      }
      return RangeResolution.satisfiable(first, Math.min(last, totalLength - 1), totalLength);
    }
  }

  /** {@code bytes=first-}: from {@code first} to the end. */
  record From(long first) implements Single {
    public From {
      if (first < 0) {
        throw new IllegalArgumentException("first: " + first + " (expected: >= 0)");
      }
    }

    @Override
    public RangeResolution resolve(long totalLength) {
      checkLength(totalLength);
      if (first >= totalLength) {
        return RangeResolution.unsatisfiable(totalLength);
      }
      return RangeResolution.satisfiable(first, totalLength - 1, totalLength);
    }
  }

  /** {@code bytes=-length}: the last {@code length} bytes (all of them if fewer). */
  record Suffix(long length) implements Single {
    public Suffix {
      if (length < 0) {
        throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
      }
    }

    @Override
    public RangeResolution resolve(long totalLength) {
      checkLength(totalLength);
      if (length == 0) {
        return RangeResolution.unsatisfiable(totalLength);
      }
      if (totalLength == 0) {
        return RangeResolution.wholeRepresentation(0); // satisfiable, but there is no byte to send
      }
      return RangeResolution.satisfiable(Math.max(0, totalLength - length), totalLength - 1,
          totalLength);
    }
  }

  /** Two or more ranges: not coalesced; forwarded as they are. */
  record Multiple(List<Single> ranges) implements ByteRangeSpec {
    public Multiple {
      ranges = List.copyOf(ranges);
    }
  }

  private static void checkLength(long totalLength) {
    if (totalLength < 0) {
      throw new IllegalArgumentException("totalLength: " + totalLength + " (expected: >= 0)");
    }
  }
}
