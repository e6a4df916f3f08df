package dev.corral.sidecar.cache;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored responses and range blocks live in direct memory ({@link OffHeap}), so what a policy asks
 * for is capped at a share of {@code -XX:MaxDirectMemorySize}: a CachePolicy's {@code maxSize} above
 * it would otherwise make the store evict by allocation failure instead of by its own bound.
 */
public final class MemoryBudget {
  private static final Logger log = LoggerFactory.getLogger(MemoryBudget.class);
  /** The share of direct memory that all stored bytes of one store may take (a listener has two). */
  static final double SHARE = 0.45;

  private MemoryBudget() {}

  /** {@code requestedBytes}, or the store's share of direct memory when that is less (logged). */
  public static long cap(long requestedBytes, String what) {
    long cap = (long) (OffHeap.limit() * SHARE);
    if (requestedBytes > cap) {
      log.warn("{}: {} bytes asked for, {} used: stored bytes are capped at {} % of direct memory"
          + " (raise -XX:MaxDirectMemorySize in sidecar/jvm.options to store more)", what, requestedBytes, cap,
          (int) (SHARE * 100));
      return cap;
    }
    return requestedBytes;
  }
}
