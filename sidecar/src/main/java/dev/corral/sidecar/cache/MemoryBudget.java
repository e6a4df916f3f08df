package dev.corral.sidecar.cache;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored responses and range blocks live on the heap, so what a policy asks for is capped at a
 * share of it: a CachePolicy's {@code maxSize} above the sidecar's heap would otherwise end the
 * process with an OutOfMemoryError under load instead of just caching less.
 */
public final class MemoryBudget {
  private static final Logger log = LoggerFactory.getLogger(MemoryBudget.class);
  /** The share of the maximum heap that all stored bytes of one store may take. */
  static final double HEAP_SHARE = 0.25;

  private MemoryBudget() {}

  /** {@code requestedBytes}, or a quarter of the heap when that is less (logged once per store). */
  public static long cap(long requestedBytes, String what) {
    long cap = (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE);
    if (requestedBytes > cap) {
      log.warn("{}: {} bytes asked for, {} used: stored bytes are capped at {} % of the heap"
          + " (raise -Xmx in sidecar/jvm.options to store more)", what, requestedBytes, cap, (int) (HEAP_SHARE * 100));
      return cap;
    }
    return requestedBytes;
  }
}
