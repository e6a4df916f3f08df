package dev.corral.sidecar.collapse.ranges;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongPredicate;

/**
 * The whole blocks covering a byte range, and the upstream fetches for the ones nobody has yet:
 * runs of adjacent missing blocks, each at most {@code maxBlocksPerFetch} long. Block {@code i}
 * holds bytes {@code [i * blockSize, (i + 1) * blockSize)}, the last one clipped to the total
 * length.
 */
public record BlockPlan(long blockSize, long firstBlock, long lastBlock, OptionalLong totalLength) {

  public BlockPlan {
    checkBlockSize(blockSize);
    if (firstBlock < 0 || lastBlock < firstBlock) {
      throw new IllegalArgumentException("blocks: " + firstBlock + ".." + lastBlock
          + " (expected: 0 <= first <= last)");
    }
  }

  /** The blocks covering a satisfiable range of a representation of known length. */
  public static BlockPlan covering(RangeResolution range, long blockSize) {
    checkBlockSize(blockSize);
    if (!range.satisfiable()) {
      throw new IllegalArgumentException("range: " + range.kind() + " (expected: SATISFIABLE)");
    }
    return new BlockPlan(blockSize, range.first() / blockSize, range.last() / blockSize,
        OptionalLong.of(range.totalLength()));
  }

  /**
   * The first fetch when the total length is not known yet: its {@code Content-Range} tells the
   * length, then the rest is planned with {@link #covering}. For {@code a-b} and {@code a-} it is
   * the first run of the request's blocks; for a suffix range, which cannot be placed without
   * the length, it is block 0.
   */
  public static Fetch probe(ByteRangeSpec.Single spec, long blockSize, int maxBlocksPerFetch) {
    checkBlockSize(blockSize);
    checkMax(maxBlocksPerFetch);
    long first;
    long last;
    if (spec instanceof ByteRangeSpec.FromTo r) {
      first = r.first() / blockSize;
      last = Math.min(r.last() / blockSize, first + maxBlocksPerFetch - 1);
    } else if (spec instanceof ByteRangeSpec.From r) {
      first = r.first() / blockSize;
      last = first + maxBlocksPerFetch - 1;
    } else {
      first = 0;
      last = 0;
    }
    return Fetch.of(first, last, blockSize, OptionalLong.empty());
  }

  public long blockCount() {
    return lastBlock - firstBlock + 1;
  }

  /**
   * The fetches for the blocks of this plan that {@code available} (present or in flight) says
   * are missing: runs of adjacent missing blocks, split so none exceeds {@code maxBlocksPerFetch}.
   */
  public List<Fetch> fetches(LongPredicate available, int maxBlocksPerFetch) {
    checkMax(maxBlocksPerFetch);
    List<Fetch> out = new ArrayList<>();
    long runStart = -1;
    for (long b = firstBlock; b <= lastBlock + 1; b++) {
      boolean missing = b <= lastBlock && !available.test(b);
      if (missing && runStart < 0) {
        runStart = b;
      }
      boolean runFull = runStart >= 0 && b - runStart == maxBlocksPerFetch;
      if (runStart >= 0 && (!missing || runFull)) {
        out.add(Fetch.of(runStart, b - 1, blockSize, totalLength));
        runStart = missing ? b : -1;
      }
    }
    return out;
  }

  /** First byte of block {@code index}. */
  public static long blockStart(long index, long blockSize) {
    return index * blockSize;
  }

  /** Bytes block {@code index} holds in a representation of {@code totalLength} bytes. */
  public static long blockLength(long index, long blockSize, long totalLength) {
    long start = index * blockSize;
    return Math.max(0, Math.min(blockSize, totalLength - start));
  }

  /** Blocks in a representation of {@code totalLength} bytes. */
  public static long blockCount(long blockSize, long totalLength) {
    return (totalLength + blockSize - 1) / blockSize;
  }

  private static void checkBlockSize(long blockSize) {
    if (blockSize <= 0) {
      throw new IllegalArgumentException("blockSize: " + blockSize + " (expected: > 0)");
    }
  }

  private static void checkMax(int maxBlocksPerFetch) {
    if (maxBlocksPerFetch <= 0) {
      throw new IllegalArgumentException(
          "maxBlocksPerFetch: " + maxBlocksPerFetch + " (expected: > 0)");
    }
  }

  /**
   * One upstream request: blocks {@code firstBlock..lastBlock} as bytes
   * {@code firstByte..lastByte}, the last byte clipped to the total length when it is known.
   */
  public record Fetch(long firstBlock, long lastBlock, long firstByte, long lastByte) {
    static Fetch of(long firstBlock, long lastBlock, long blockSize, OptionalLong total) {
      long lastByte = (lastBlock + 1) * blockSize - 1;
      if (total.isPresent()) {
        lastByte = Math.min(lastByte, total.getAsLong() - 1);
      }
      return new Fetch(firstBlock, lastBlock, firstBlock * blockSize, lastByte);
    }

    public long blockCount() {
      return lastBlock - firstBlock + 1;
    }

    /** The upstream {@code Range} field value, e.g. {@code bytes=65536-131071}. */
    public String rangeHeader() {
      return "bytes=" + firstByte + "-" + lastByte;
    }
  }
}
