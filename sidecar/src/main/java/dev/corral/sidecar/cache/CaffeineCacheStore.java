package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.corral.sidecar.route.RequestHead;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One Caffeine cache bounded by weight holds three kinds of entries:
 *
 * <ul>
 *   <li>URI → generation: a number drawn from a counter that never repeats;
 *   <li>(generation, primary key) → the {@link VarySpec} of the last response stored there;
 *   <li>(generation, variant key) → the {@link CachedResponse}.
 * </ul>
 *
 * <p>Invalidating a URI removes its generation entry: every response stored under it becomes
 * unreachable at once, whatever its key headers or credentials, in O(1), and is evicted later as
 * the least used. A response fetched before an invalidation and stored after it lands under the
 * old generation, unreachable too, which is what we want.
 */
final class CaffeineCacheStore implements CacheStore {
  /** Weight of a generation or vary-spec entry. */
  private static final int SMALL_ENTRY_WEIGHT = 64;

  private final Cache<Slot, Object> cache;
  private final CacheStoreListener listener;
  private final AtomicLong generations = new AtomicLong();

  CaffeineCacheStore(long maxSizeBytes, CacheStoreListener listener) {
    if (maxSizeBytes <= 0) {
      throw new IllegalArgumentException("maxSize: " + maxSizeBytes + " (expected: > 0)");
    }
    this.listener = requireNonNull(listener, "listener");
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxSizeBytes)
        .weigher(CaffeineCacheStore::weigh)
        // Maintenance on the calling thread: no hidden pool threads, and evictions are counted
        // before the call that caused them returns.
        .executor(Runnable::run)
        .evictionListener((Slot k, Object v, RemovalCause cause) -> {
          if (cause.wasEvicted() && v instanceof CachedResponse r) {
            listener.onEviction(r.weight());
          }
        })
        .build();
  }

  private static int weigh(Slot key, Object value) {
    if (value instanceof CachedResponse r) {
      return (int) Math.min(Integer.MAX_VALUE, r.weight());
    }
    return SMALL_ENTRY_WEIGHT;
  }

  /** Keys of the three kinds of entries. */
  private sealed interface Slot permits UriSlot, SpecSlot, VariantSlot {}

  private record UriSlot(UriKey uri) implements Slot {}

  private record SpecSlot(long generation, CacheKey key) implements Slot {}

  private record VariantSlot(long generation, CacheKey key, List<String> names,
      List<String> values) implements Slot {}

  @Override
  public Lookup get(CacheKey key, RequestHead request) {
    Lookup lookup = peek(key, request);
    if (lookup.hit()) {
      listener.onHit();
    } else {
      listener.onMiss();
    }
    return lookup;
  }

  @Override
  public Lookup peek(CacheKey key, RequestHead request) {
    requireNonNull(key, "key");
    requireNonNull(request, "request");
    Object gen = cache.getIfPresent(new UriSlot(key.uri()));
    if (gen == null) {
      return Lookup.URI_MISS;
    }
    long g = (Long) gen;
    Object spec = cache.getIfPresent(new SpecSlot(g, key));
    if (spec == null) {
      return Lookup.VARY_MISS;
    }
    VarySpec.VariantKey vk = ((VarySpec) spec).variantOf(key, request);
    Object r = cache.getIfPresent(new VariantSlot(g, key, vk.spec().names(), vk.values()));
    if (r == null) {
      return Lookup.VARY_MISS;
    }
    return new Lookup(Outcome.HIT, (CachedResponse) r);
  }

  @Override
  public boolean put(CacheKey key, RequestHead request, CachedResponse response) {
    requireNonNull(key, "key");
    requireNonNull(request, "request");
    requireNonNull(response, "response");
    VarySpec spec = VarySpec.of(response.headers());
    if (spec.any()) {
      return false;
    }
    long g = (Long) cache.get(new UriSlot(key.uri()), k -> generations.incrementAndGet());
    VarySpec.VariantKey vk = spec.variantOf(key, request);
    // The spec is replaced by the newest response's: variants stored under an older spec become
    // unreachable and age out.
    cache.put(new SpecSlot(g, key), spec);
    cache.put(new VariantSlot(g, key, spec.names(), vk.values()), response);
    listener.onStore(response.weight());
    return true;
  }

  @Override
  public void invalidate(UriKey uri) {
    requireNonNull(uri, "uri");
    @Nullable Object removed = cache.asMap().remove(new UriSlot(uri));
    if (removed != null) {
      listener.onInvalidation();
    }
  }

  @Override
  public long weightedSize() {
    cache.cleanUp();
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }
}
