package dev.corral.sidecar.cache;

/**
 * Told about what a {@link CacheStore} does, to count it. Called on the thread doing the
 * operation (evictions included), so implementations must be cheap and thread-safe.
 */
public interface CacheStoreListener {
  CacheStoreListener NOOP = new CacheStoreListener() {};

  default void onHit() {}

  default void onMiss() {}

  /** A response was stored; {@code weight} bytes. */
  default void onStore(long weight) {}

  /** A response was evicted to stay within maxSize. */
  default void onEviction(long weight) {}

  /** A URI was invalidated. */
  default void onInvalidation() {}
}
