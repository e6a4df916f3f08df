package dev.corral.sidecar.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.cache.Freshness.Action;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreshnessTest {
  private final ManualClock clock = new ManualClock();
  /** Policy: no default TTL, stale-while-revalidate 10s, stale-if-error 5m. */
  private final Freshness freshness = Freshness.of(CacheConfig.defaults());

  private CachedResponse stored(String... headers) {
    return CachedResponse.of(200, HttpFields.of(headers), CachedBody.copyOf(new byte[] {1}),
        clock.millis(), clock.millis());
  }

  private Freshness.Verdict evaluate(CachedResponse r, String... requestCacheControl) {
    return freshness.evaluate(r, CacheControl.parse(List.of(requestCacheControl)), clock.millis());
  }

  @Test
  void sMaxAgeWinsOverMaxAgeWhichWinsOverExpires() {
    long t = clock.millis();
    HttpFields all = HttpFields.of("cache-control", "max-age=60, s-maxage=30",
        "expires", HttpDates.format(t + 90_000), "date", HttpDates.format(t));

    assertThat(freshness.lifetimeSeconds(all, t)).isEqualTo(30);
    assertThat(freshness.lifetimeSeconds(HttpFields.of("cache-control", "max-age=60",
        "expires", HttpDates.format(t + 90_000)), t)).isEqualTo(60);
    assertThat(freshness.lifetimeSeconds(HttpFields.of(
        "expires", HttpDates.format(t + 90_000), "date", HttpDates.format(t)), t)).isEqualTo(90);
  }

  @Test
  void expiresIsMeasuredFromDateAndInvalidExpiresIsAlreadyExpired() {
    long t = clock.millis();
    // The origin's clock is 20s behind ours: Expires − Date is what counts.
    HttpFields h = HttpFields.of("date", HttpDates.format(t - 20_000),
        "expires", HttpDates.format(t + 40_000));

    assertThat(freshness.lifetimeSeconds(h, t)).isEqualTo(60);
    assertThat(freshness.lifetimeSeconds(HttpFields.of("expires", "0"), t)).isZero();
  }

  @Test
  void defaultTtlAppliesOnlyWhenTheResponseSaysNothing() {
    Freshness withTtl = Freshness.of(CacheConfig.defaults().withDefaultTtl(Duration.ofSeconds(120)));
    long t = clock.millis();

    assertThat(withTtl.lifetimeSeconds(HttpFields.EMPTY, t)).isEqualTo(120);
    assertThat(withTtl.lifetimeSeconds(HttpFields.of("cache-control", "max-age=5"), t)).isEqualTo(5);
    assertThat(freshness.lifetimeSeconds(HttpFields.EMPTY, t)).isZero();
  }

  @Test
  void currentAgeAddsAgeHeaderResponseDelayAndResidentTime() {
    long requestTime = clock.millis();
    clock.advanceSeconds(2); // the response took 2s
    CachedResponse r = CachedResponse.of(200,
        HttpFields.of("age", "10", "date", clock.httpDate()), CachedBody.EMPTY,
        requestTime, clock.millis());
    clock.advanceSeconds(5);

    // corrected_initial_age = max(apparent 0, 10 + 2) = 12; plus 5s resident
    assertThat(Freshness.currentAgeSeconds(r, clock.millis())).isEqualTo(17);
  }

  @Test
  void currentAgeUsesApparentAgeWhenDateIsOld() {
    long t = clock.millis();
    CachedResponse r = CachedResponse.of(200,
        HttpFields.of("date", HttpDates.format(t - 30_000)), CachedBody.EMPTY, t, t);

    assertThat(Freshness.currentAgeSeconds(r, t)).isEqualTo(30);
  }

  @Test
  void freshResponseIsServedUntilItsLifetimeEnds() {
    CachedResponse r = stored("cache-control", "max-age=60", "date", clock.httpDate());
    clock.advanceSeconds(59);
    Freshness.Verdict v = evaluate(r);

    assertThat(v.action()).isEqualTo(Action.SERVE);
    assertThat(v.ttlSeconds()).isEqualTo(1);
    clock.advanceSeconds(1);
    assertThat(evaluate(r).action()).isNotEqualTo(Action.SERVE);
  }

  @Test
  void staleWithinPolicyStaleWhileRevalidateIsServedAndRevalidated() {
    CachedResponse r = stored("cache-control", "max-age=60");
    clock.advanceSeconds(65);

    Freshness.Verdict v = evaluate(r);
    assertThat(v.action()).isEqualTo(Action.SERVE_STALE_AND_REVALIDATE);
    assertThat(v.ttlSeconds()).isEqualTo(-5);

    clock.advanceSeconds(10); // 15s stale > 10s policy window
    assertThat(evaluate(r).action()).isEqualTo(Action.REVALIDATE);
  }

  @Test
  void responseStaleWhileRevalidateWinsOverThePolicy() {
    CachedResponse r = stored("cache-control", "max-age=60, stale-while-revalidate=100");
    clock.advanceSeconds(150);

    assertThat(evaluate(r).action()).isEqualTo(Action.SERVE_STALE_AND_REVALIDATE);

    CachedResponse none = stored("cache-control", "max-age=60, stale-while-revalidate=0");
    clock.advanceSeconds(0);
    assertThat(freshness.evaluate(none, CacheControl.NONE, none.responseTimeMillis() + 61_000)
        .action()).isEqualTo(Action.REVALIDATE);
  }

  @Test
  void mustRevalidateProxyRevalidateAndSMaxAgeForbidServingStale() {
    for (String cc : new String[] {"max-age=60, must-revalidate", "max-age=60, proxy-revalidate",
        "s-maxage=60"}) {
      CachedResponse r = stored("cache-control", cc + ", stale-while-revalidate=100");
      long later = r.responseTimeMillis() + 65_000;
      assertThat(freshness.evaluate(r, CacheControl.NONE, later).action()).as(cc)
          .isEqualTo(Action.REVALIDATE);
      assertThat(freshness.usableOnError(r, later)).as(cc).isFalse();
    }
  }

  @Test
  void noCacheResponseIsRevalidatedEvenWhenFresh() {
    CachedResponse r = stored("cache-control", "no-cache, max-age=60", "etag", "\"1\"");

    assertThat(evaluate(r).action()).isEqualTo(Action.REVALIDATE);
    assertThat(evaluate(r).forcedByRequest()).isFalse();
  }

  @Test
  void requestNoCacheMaxAgeAndMinFreshForceRevalidation() {
    CachedResponse r = stored("cache-control", "max-age=60");
    clock.advanceSeconds(30);

    assertThat(evaluate(r, "no-cache").action()).isEqualTo(Action.REVALIDATE);
    assertThat(evaluate(r, "no-cache").forcedByRequest()).isTrue();
    assertThat(evaluate(r, "max-age=10").action()).isEqualTo(Action.REVALIDATE);
    assertThat(evaluate(r, "max-age=40").action()).isEqualTo(Action.SERVE);
    assertThat(evaluate(r, "min-fresh=40").action()).isEqualTo(Action.REVALIDATE);
    assertThat(evaluate(r, "min-fresh=20").action()).isEqualTo(Action.SERVE);
  }

  @Test
  void requestMaxAgeZeroDoesNotGetStaleWhileRevalidate() {
    CachedResponse r = stored("cache-control", "max-age=60");
    clock.advanceSeconds(62);

    assertThat(evaluate(r, "max-age=0").action()).isEqualTo(Action.REVALIDATE);
  }

  @Test
  void requestMaxStaleAcceptsStaleResponsesWithinItsBound() {
    CachedResponse r = stored("cache-control", "max-age=60, stale-while-revalidate=0");
    clock.advanceSeconds(90);

    assertThat(evaluate(r, "max-stale=40").action()).isEqualTo(Action.SERVE_STALE);
    assertThat(evaluate(r, "max-stale=20").action()).isEqualTo(Action.REVALIDATE);
    assertThat(evaluate(r, "max-stale").action()).isEqualTo(Action.SERVE_STALE);
  }

  @Test
  void onlyIfCachedGetsGatewayTimeoutInsteadOfRevalidation() {
    CachedResponse r = stored("cache-control", "max-age=60, stale-while-revalidate=0");

    assertThat(evaluate(r, "only-if-cached").action()).isEqualTo(Action.SERVE);
    clock.advanceSeconds(61);
    assertThat(evaluate(r, "only-if-cached").action()).isEqualTo(Action.GATEWAY_TIMEOUT);
  }

  @Test
  void staleIfErrorUsesTheResponseDirectiveElseThePolicy() {
    CachedResponse policy = stored("cache-control", "max-age=60");
    CachedResponse own = stored("cache-control", "max-age=60, stale-if-error=10");
    long t = policy.responseTimeMillis();

    assertThat(freshness.usableOnError(policy, t + (60 + 299) * 1000L)).isTrue();
    assertThat(freshness.usableOnError(policy, t + (60 + 301) * 1000L)).isFalse();
    assertThat(freshness.usableOnError(own, t + (60 + 9) * 1000L)).isTrue();
    assertThat(freshness.usableOnError(own, t + (60 + 11) * 1000L)).isFalse();
  }
}
