package dev.corral.sidecar.collapse.ranges;

/**
 * A single range resolved against a known length: a 206 for {@code first..last}, a 416 with
 * {@code Content-Range: bytes *}{@code /length}, or the whole representation with 200 (a suffix
 * range of a zero-length representation is satisfiable but selects no byte).
 */
public record RangeResolution(Kind kind, long first, long last, long totalLength) {

  public enum Kind {
    SATISFIABLE,
    UNSATISFIABLE,
    WHOLE_REPRESENTATION
  }

  static RangeResolution satisfiable(long first, long last, long total) {
    return new RangeResolution(Kind.SATISFIABLE, first, last, total);
  }

  static RangeResolution unsatisfiable(long total) {
    return new RangeResolution(Kind.UNSATISFIABLE, -1, -1, total);
  }

  static RangeResolution wholeRepresentation(long total) {
    return new RangeResolution(Kind.WHOLE_REPRESENTATION, -1, -1, total);
  }

  public boolean satisfiable() {
    return kind == Kind.SATISFIABLE;
  }

  /** Bytes selected; only for a satisfiable range. */
  public long length() {
    requireSatisfiable();
    return last - first + 1;
  }

  /** {@code bytes first-last/total} for a 206, or {@code bytes *}{@code /total} for a 416. */
  public ContentRange contentRange() {
    if (kind == Kind.UNSATISFIABLE) {
      return ContentRange.unsatisfied(totalLength);
    }
    requireSatisfiable();
    return ContentRange.of(first, last, totalLength);
  }

  private void requireSatisfiable() {
    if (kind != Kind.SATISFIABLE) {
      throw new IllegalStateException("range is " + kind);
    }
  }
}
