package dev.corral.sidecar.cache;

import dev.corral.sidecar.route.TestHead;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class CacheStoreTest {
  private final CacheCounters counters = new CacheCounters();
  private final CacheStore store = CacheStore.bounded(1 << 20, counters);
  private final CacheKeys keys = CacheKeys.of(CacheConfig.defaults());

  private static CachedResponse response(int bodyBytes, String... headers) {
    return CachedResponse.of(200, HttpFields.of(headers), CachedBody.copyOf(new byte[bodyBytes]),
        0, 0);
  }

  @Test
  void returnsWhatWasStoredAndCountsHitsMissesAndStores() {
    TestHead req = TestHead.get("images", "/a");
    CacheKey key = keys.keyFor(req);

    assertThat(store.get(key, req).outcome()).isEqualTo(CacheStore.Outcome.URI_MISS);
    CachedResponse r = response(10, "cache-control", "max-age=60");
    assertThat(store.put(key, req, r)).isTrue();
    CacheStore.Lookup hit = store.get(key, req);

    assertThat(hit.hit()).isTrue();
    assertThat(hit.response()).isSameAs(r);
    assertThat(counters.hits()).isEqualTo(1);
    assertThat(counters.misses()).isEqualTo(1);
    assertThat(counters.stores()).isEqualTo(1);
  }

  @Test
  void aSecondLookIsNotCounted() {
    TestHead req = TestHead.get("images", "/a");
    CacheKey key = keys.keyFor(req);
    assertThat(store.peek(key, req).outcome()).isEqualTo(CacheStore.Outcome.URI_MISS);
    CachedResponse r = response(10, "cache-control", "max-age=60");
    store.put(key, req, r);

    assertThat(store.peek(key, req).response()).isSameAs(r);
    assertThat(counters.hits()).isZero();
    assertThat(counters.misses()).isZero();
  }

  @Test
  void varyingResponsesAreStoredPerVariant() {
    TestHead de = TestHead.get("images", "/a").header("accept-language", "de");
    TestHead fr = TestHead.get("images", "/a").header("accept-language", "fr");
    CachedResponse german = response(1, "vary", "Accept-Language");
    CachedResponse french = response(2, "vary", "Accept-Language");
    store.put(keys.keyFor(de), de, german);

    assertThat(store.get(keys.keyFor(fr), fr).outcome()).isEqualTo(CacheStore.Outcome.VARY_MISS);
    store.put(keys.keyFor(fr), fr, french);
    assertThat(store.get(keys.keyFor(de), de).response()).isSameAs(german);
    assertThat(store.get(keys.keyFor(fr), fr).response()).isSameAs(french);
  }

  @Test
  void differentCredentialsNeverSeeEachOthersResponses() {
    TestHead alice = TestHead.get("images", "/me").header("authorization", "Bearer alice");
    TestHead bob = TestHead.get("images", "/me").header("authorization", "Bearer bob");
    store.put(keys.keyFor(alice), alice, response(1, "cache-control", "public, max-age=60"));

    assertThat(store.get(keys.keyFor(bob), bob).hit()).isFalse();
  }

  @Test
  void varyStarIsNeverStored() {
    TestHead req = TestHead.get("images", "/a");
    assertThat(store.put(keys.keyFor(req), req, response(1, "vary", "*"))).isFalse();
    assertThat(store.get(keys.keyFor(req), req).hit()).isFalse();
  }

  @Test
  void invalidatingAUriDropsEveryVariantAndKey() {
    TestHead de = TestHead.get("images", "/a").header("accept-language", "de");
    TestHead fr = TestHead.get("images", "/a").header("accept-language", "fr").header("cookie", "s=1");
    store.put(keys.keyFor(de), de, response(1, "vary", "accept-language"));
    store.put(keys.keyFor(fr), fr, response(1, "vary", "accept-language"));
    TestHead other = TestHead.get("images", "/b");
    store.put(keys.keyFor(other), other, response(1));

    store.invalidate(new UriKey("images", "/a"));

    assertThat(store.get(keys.keyFor(de), de).outcome()).isEqualTo(CacheStore.Outcome.URI_MISS);
    assertThat(store.get(keys.keyFor(fr), fr).hit()).isFalse();
    assertThat(store.get(keys.keyFor(other), other).hit()).isTrue();
    assertThat(counters.invalidations()).isEqualTo(1);
  }

  @Test
  void aResponseStoredAfterInvalidationIsFoundAgain() {
    TestHead req = TestHead.get("images", "/a");
    store.put(keys.keyFor(req), req, response(1));
    store.invalidate(new UriKey("images", "/a"));
    CachedResponse fresh = response(2);
    store.put(keys.keyFor(req), req, fresh);

    assertThat(store.get(keys.keyFor(req), req).response()).isSameAs(fresh);
  }

  @Test
  void staysWithinMaxSizeByEvictingAndCountsEvictions() {
    CacheStore small = CacheStore.bounded(100_000, counters);
    for (int i = 0; i < 50; i++) {
      TestHead req = TestHead.get("images", "/o" + i);
      small.put(keys.keyFor(req), req, response(10_000));
    }

    assertThat(small.weightedSize()).isLessThanOrEqualTo(100_000);
    assertThat(counters.evictions()).isGreaterThan(0);
    assertThat(counters.stores()).isEqualTo(50);
  }

  @Test
  void weightCountsHeaderAndBodyBytes() {
    CachedResponse r = response(1000, "content-type", "text/plain");

    assertThat(r.weight()).isEqualTo(1000 + r.headers().byteSize() + CachedResponse.OVERHEAD_BYTES);
  }

  @Test
  void storedBodiesCannotBeChangedThroughWhatReadersGet() {
    byte[] src = {1, 2, 3};
    CachedResponse r = CachedResponse.of(200, HttpFields.EMPTY, CachedBody.copyOf(src), 0, 0);
    src[0] = 9;
    ByteBuffer view = r.body().chunks().get(0);
    view.get();

    assertThat(view.isReadOnly()).isTrue();
    assertThat(r.body().chunks().get(0).position()).isZero();
    assertThat(r.body().toByteArray()).containsExactly(1, 2, 3);
  }

  @Test
  void storedHeadersLoseHopByHopFieldsAndGainContentLength() {
    CachedResponse r = CachedResponse.of(200, HttpFields.of("connection", "close, x-conn",
        "x-conn", "1", "transfer-encoding", "chunked", "x-kept", "1"),
        CachedBody.copyOf(new byte[5]), 0, 0);

    assertThat(r.headers().contains("connection")).isFalse();
    assertThat(r.headers().contains("x-conn")).isFalse();
    assertThat(r.headers().contains("transfer-encoding")).isFalse();
    assertThat(r.headers().get("x-kept")).isEqualTo("1");
    assertThat(r.headers().get("content-length")).isEqualTo("5");
  }
}
