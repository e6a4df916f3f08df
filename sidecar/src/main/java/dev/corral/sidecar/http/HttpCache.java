package dev.corral.sidecar.http;

import static java.util.Objects.requireNonNull;

import dev.corral.sidecar.cache.CacheConfig;
import dev.corral.sidecar.cache.CacheControl;
import dev.corral.sidecar.cache.CacheCounters;
import dev.corral.sidecar.cache.CacheKey;
import dev.corral.sidecar.cache.CacheKeys;
import dev.corral.sidecar.cache.CacheStatus;
import dev.corral.sidecar.cache.CacheStatus.Fwd;
import dev.corral.sidecar.cache.CacheStore;
import dev.corral.sidecar.cache.MemoryBudget;
import dev.corral.sidecar.cache.CachedResponse;
import dev.corral.sidecar.cache.Freshness;
import dev.corral.sidecar.cache.Storability;
import dev.corral.sidecar.route.RequestHead;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP cache filter's state for one CachePolicy (a listener's, or a route's override): the
 * store and the RFC 9111 rules of {@code cache/}, with the clock injected. Decides per request;
 * the response side is {@link CacheTap}. Shared by every event loop; thread-safe.
 */
final class HttpCache {
  private static final Set<String> CACHEABLE_METHODS = Set.of("GET", "HEAD");
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  private final CacheConfig config;
  private final CacheStore store;
  private final CacheKeys keys;
  private final Freshness freshness;
  private final Storability storability;
  private final LongSupplier clock;
  private final CacheCounters counters = new CacheCounters();
  /** Keys with a stale-while-revalidate refresh running: at most one each. */
  private final Set<CacheKey> refreshing = ConcurrentHashMap.newKeySet();

  HttpCache(CacheConfig config, LongSupplier epochMillis) {
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(epochMillis, "epochMillis");
    this.store = CacheStore.bounded(MemoryBudget.cap(config.maxSize(), "cache max_size"), counters);
    this.keys = CacheKeys.of(config);
    this.freshness = Freshness.of(config);
    this.storability = Storability.of(config);
  }

  CacheDecision decide(RequestHead head) {
    String method = head.method();
    if (!CACHEABLE_METHODS.contains(method)) {
      boolean unsafe = !SAFE.contains(method);
      return new CacheDecision.Forward(null, CacheStatus.forward(Fwd.METHOD), null, false,
          unsafe && config.invalidateOnUnsafeMethods());
    }
    if (head.header("range") != null) {
      // Partial responses are not stored whole; range coalescing stores blocks instead.
      return new CacheDecision.Forward(null, CacheStatus.forward(Fwd.BYPASS).detail("range"), null, false, false);
    }
    CacheControl requestCc = CacheControl.parse(head.headers("cache-control"));
    CacheKey key = keys.keyFor(head);
    CacheStore.Lookup lookup = store.get(key, head);
    if (!lookup.hit()) {
      if (requestCc.onlyIfCached()) {
        return new CacheDecision.OnlyIfCached(CacheStatus.forward(lookup.outcome()).detail("only-if-cached"));
      }
      return new CacheDecision.Forward(key, CacheStatus.forward(lookup.outcome()), null, false, false);
    }
    CachedResponse stored = lookup.response();
    Freshness.Verdict verdict = freshness.evaluate(stored, requestCc, clock.getAsLong());
    return switch (verdict.action()) {
      case SERVE, SERVE_STALE -> new CacheDecision.Serve(key, stored, CacheStatus.hit().ttl(verdict.ttlSeconds()), false);
      case SERVE_STALE_AND_REVALIDATE -> new CacheDecision.Serve(key, stored,
          CacheStatus.hit().ttl(verdict.ttlSeconds()).detail("stale-while-revalidate"), true);
      case GATEWAY_TIMEOUT -> new CacheDecision.OnlyIfCached(CacheStatus.forward(Fwd.STALE).detail("only-if-cached"));
      case REVALIDATE -> new CacheDecision.Forward(key,
          CacheStatus.forward(verdict.forcedByRequest() ? Fwd.REQUEST : Fwd.STALE).ttl(verdict.ttlSeconds()),
          stored, stored.hasValidator(), false);
    };
  }

  /**
   * A fresh response stored for {@code head} after its lookup missed, or null; not counted again.
   * For the collapse filter when it finds no fetch to join: the fetch this request missed may have
   * ended on another event loop between its cache lookup and its join, and a fetch stores its
   * response before it leaves the collapser, so a second look finds it.
   */
  CacheDecision.@Nullable Serve storedSince(RequestHead head, CacheKey key) {
    CachedResponse stored = store.peek(key, head).response();
    if (stored == null) {
      return null;
    }
    Freshness.Verdict verdict = freshness.evaluate(stored, CacheControl.parse(head.headers("cache-control")),
        clock.getAsLong());
    return verdict.action() != Freshness.Action.SERVE ? null
        : new CacheDecision.Serve(key, stored, CacheStatus.hit().ttl(verdict.ttlSeconds()), false);
  }

  /** The decision of a background refresh: forward unconditionally, store the result. */
  CacheDecision.Forward refreshDecision(CacheKey key) {
    return new CacheDecision.Forward(key, CacheStatus.forward(Fwd.STALE).detail("background"), null, false, false);
  }

  /** Claims the one background refresh of {@code key}; false when one already runs. */
  boolean startRefresh(CacheKey key) {
    return refreshing.add(key);
  }

  void refreshDone(CacheKey key) {
    refreshing.remove(key);
  }

  long now() {
    return clock.getAsLong();
  }

  CacheConfig config() {
    return config;
  }

  CacheStore store() {
    return store;
  }

  Freshness freshness() {
    return freshness;
  }

  Storability storability() {
    return storability;
  }

  CacheCounters counters() {
    return counters;
  }
}
