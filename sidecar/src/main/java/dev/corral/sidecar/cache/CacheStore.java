package dev.corral.sidecar.cache;

import dev.corral.sidecar.route.RequestHead;
import org.jspecify.annotations.Nullable;

/**
 * Stored responses, bounded by bytes. Lookups go primary key → vary spec → variant; entries are
 * immutable, so a hit can be served while another thread replaces it. Thread-safe.
 */
public interface CacheStore {

  /** A store holding at most {@code maxSizeBytes} of header and body bytes (Caffeine). */
  static CacheStore bounded(long maxSizeBytes, CacheStoreListener listener) {
    return new CaffeineCacheStore(maxSizeBytes, listener);
  }

  /** The response stored for this request, or why there is none. Counts a hit or a miss. */
  Lookup get(CacheKey key, RequestHead request);

  /** As {@link #get}, without counting: a second look for a request already counted. */
  Lookup peek(CacheKey key, RequestHead request);

  /**
   * Stores a response under the request's key and the response's {@code Vary}, replacing what
   * was there. Returns false when it cannot be stored ({@code Vary: *}). The caller has checked
   * {@link Storability}.
   */
  boolean put(CacheKey key, RequestHead request, CachedResponse response);

  /** Evicts every response stored for this URI, whatever its key headers, credentials or Vary. */
  void invalidate(UriKey uri);

  /** Bytes held now (approximate, as weighed). */
  long weightedSize();

  /** The outcome of a lookup; {@code response} is non-null only for a hit. */
  record Lookup(Outcome outcome, @Nullable CachedResponse response) {
    static final Lookup URI_MISS = new Lookup(Outcome.URI_MISS, null);
    static final Lookup VARY_MISS = new Lookup(Outcome.VARY_MISS, null);

    public boolean hit() {
      return outcome == Outcome.HIT;
    }
  }

  /** Hit, or the kind of miss that {@code Cache-Status: fwd=} reports. */
  enum Outcome {
    HIT,
    /** Nothing stored for this URI. */
    URI_MISS,
    /** Something stored for this URI, but not for this request's key headers, credentials or Vary. */
    VARY_MISS
  }
}
