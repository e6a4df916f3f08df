package dev.corral.sidecar.http;

import dev.corral.sidecar.cache.CacheKey;
import dev.corral.sidecar.cache.CacheStatus;
import dev.corral.sidecar.cache.CachedResponse;
import org.jspecify.annotations.Nullable;

/** What the cache filter decided for one request, before anything went upstream. */
sealed interface CacheDecision {

  /**
   * Answer from memory. {@code refresh}: the response is stale within stale-while-revalidate, so
   * one background refresh is to be started.
   */
  record Serve(CacheKey key, CachedResponse stored, CacheStatus status, boolean refresh) implements CacheDecision {}

  /** {@code only-if-cached} and nothing usable stored: 504 (RFC 9111 §5.2.1.7). */
  record OnlyIfCached(CacheStatus status) implements CacheDecision {}

  /**
   * Forward the request. {@code key}: store the response under it when storable (null: never
   * store); {@code stale}: the stored response being revalidated, merged on 304 and served on
   * error within stale-if-error; {@code conditional}: add its validators to the request;
   * {@code invalidate}: an unsafe method, whose success evicts the URI (§4.4).
   */
  record Forward(@Nullable CacheKey key, CacheStatus status, @Nullable CachedResponse stale, boolean conditional,
      boolean invalidate) implements CacheDecision {}
}
