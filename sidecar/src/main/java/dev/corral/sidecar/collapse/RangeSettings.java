package dev.corral.sidecar.collapse;

/**
 * Range coalescing, mirroring CollapsePolicy's {@code ranges}: single-range GETs are widened to
 * aligned blocks of {@code blockSize} bytes, fetched at most {@code maxBlocksPerFetch} per upstream
 * request and shared by concurrent requests.
 */
public record RangeSettings(boolean enabled, long blockSize, int maxBlocksPerFetch) {
  public static final RangeSettings OFF = new RangeSettings(false, 64 * 1024, 16);

  public RangeSettings {
    if (blockSize <= 0) {
      throw new IllegalArgumentException("blockSize: " + blockSize + " (expected: > 0)");
    }
    if (maxBlocksPerFetch <= 0) {
      throw new IllegalArgumentException("maxBlocksPerFetch: " + maxBlocksPerFetch + " (expected: > 0)");
    }
  }
}
