package dev.corral.sidecar.cache;

import java.util.concurrent.atomic.LongAdder;

/** A {@link CacheStoreListener} that counts; read it from stats or the admin endpoint. */
public final class CacheCounters implements CacheStoreListener {
  /** The counters' names, declared once. */
  public static final String HITS = "cache_hits";
  public static final String MISSES = "cache_misses";
  public static final String STORES = "cache_stores";
  public static final String EVICTIONS = "cache_evictions";
  public static final String INVALIDATIONS = "cache_invalidations";

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder stores = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder invalidations = new LongAdder();

  @Override
  public void onHit() {
    hits.increment();
  }

  @Override
  public void onMiss() {
    misses.increment();
  }

  @Override
  public void onStore(long weight) {
    stores.increment();
  }

  @Override
  public void onEviction(long weight) {
    evictions.increment();
  }

  @Override
  public void onInvalidation() {
    invalidations.increment();
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  public long stores() {
    return stores.sum();
  }

  public long evictions() {
    return evictions.sum();
  }

  public long invalidations() {
    return invalidations.sum();
  }
}
