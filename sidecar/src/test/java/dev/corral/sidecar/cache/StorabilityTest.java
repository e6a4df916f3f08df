package dev.corral.sidecar.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorabilityTest {
  private final ManualClock clock = new ManualClock();
  private final Storability storability = Storability.of(CacheConfig.defaults());

  private Storability.Decision check(Req req, int status, String... headers) {
    return storability.check(req, status, HttpFields.of(headers), clock.millis());
  }

  @Test
  void storesA200WithMaxAge() {
    assertThat(check(Req.get("/a"), 200, "cache-control", "max-age=60").store()).isTrue();
  }

  @Test
  void refusesNoStoreInRequestOrResponse() {
    assertThat(check(Req.get("/a").h("cache-control", "no-store"), 200,
        "cache-control", "max-age=60").reason()).isEqualTo("request-no-store");
    assertThat(check(Req.get("/a"), 200, "cache-control", "no-store, max-age=60").reason())
        .isEqualTo("no-store");
  }

  @Test
  void storesOnlyGetResponses() {
    assertThat(check(Req.of("HEAD", "images", "/a"), 200, "cache-control", "max-age=60").store())
        .isFalse();
    assertThat(check(Req.of("POST", "images", "/a"), 200, "cache-control", "max-age=60").store())
        .isFalse();
  }

  @Test
  void statusesCacheableByDefaultNeedNoExplicitFreshnessOthersDo() {
    assertThat(check(Req.get("/a"), 404, "etag", "\"1\"").store()).isTrue();
    assertThat(check(Req.get("/a"), 301, "etag", "\"1\"").store()).isTrue();
    assertThat(check(Req.get("/a"), 500, "etag", "\"1\"").reason()).isEqualTo("status");
    assertThat(check(Req.get("/a"), 302, "etag", "\"1\"").reason()).isEqualTo("status");
    assertThat(check(Req.get("/a"), 302, "cache-control", "max-age=60").store()).isTrue();
    assertThat(check(Req.get("/a"), 503, "expires", HttpDates.format(clock.millis() + 60_000),
        "date", clock.httpDate()).store()).isTrue();
  }

  @Test
  void neverStoresNotModifiedOrPartialContent() {
    assertThat(check(Req.get("/a"), 304, "cache-control", "max-age=60").store()).isFalse();
    assertThat(check(Req.get("/a"), 206, "cache-control", "max-age=60").reason())
        .isEqualTo("partial");
  }

  @Test
  void privateIsStoredOnlyWhenCredentialsArePartOfTheKey() {
    Req withCookie = Req.get("/a").h("cookie", "s=1");
    assertThat(check(withCookie, 200, "cache-control", "private, max-age=60").store()).isTrue();
    assertThat(check(Req.get("/a"), 200, "cache-control", "private, max-age=60").reason())
        .isEqualTo("private");

    Storability shared = Storability.of(CacheConfig.defaults().withKeyHeaders(List.of(), true));
    assertThat(shared.check(withCookie, 200, HttpFields.of("cache-control", "private, max-age=60"),
        clock.millis()).reason()).isEqualTo("private");
  }

  @Test
  void authorizationRequiresPublicSMaxAgeOrMustRevalidate() {
    Req auth = Req.get("/a").h("authorization", "Bearer x");

    assertThat(check(auth, 200, "cache-control", "max-age=60").reason())
        .isEqualTo("authorization");
    assertThat(check(auth, 200, "cache-control", "public, max-age=60").store()).isTrue();
    assertThat(check(auth, 200, "cache-control", "s-maxage=60").store()).isTrue();
    assertThat(check(auth, 200, "cache-control", "must-revalidate, max-age=60").store()).isTrue();
  }

  @Test
  void refusesObjectsLargerThanMaxObjectSize() {
    assertThat(check(Req.get("/a"), 200, "cache-control", "max-age=60",
        "content-length", Long.toString((1 << 20) + 1)).reason()).isEqualTo("too-large");
    assertThat(storability.fitsObjectSize(1 << 20)).isTrue();
    assertThat(storability.fitsObjectSize((1 << 20) + 1)).isFalse();
  }

  @Test
  void refusesVaryStarAndSetCookie() {
    assertThat(check(Req.get("/a"), 200, "cache-control", "max-age=60", "vary", "*").reason())
        .isEqualTo("vary-any");
    assertThat(check(Req.get("/a"), 200, "cache-control", "max-age=60", "set-cookie", "a=b")
        .reason()).isEqualTo("set-cookie");
  }

  @Test
  void responseThatSaysNothingIsStoredOnlyWithADefaultTtlOrAValidator() {
    assertThat(check(Req.get("/a"), 200).reason()).isEqualTo("no-freshness");
    assertThat(check(Req.get("/a"), 200, "etag", "\"v1\"").store()).isTrue();

    Storability withTtl = Storability.of(CacheConfig.defaults().withDefaultTtl(Duration.ofMinutes(1)));
    assertThat(withTtl.check(Req.get("/a"), 200, HttpFields.EMPTY, clock.millis()).store()).isTrue();
  }

  @Test
  void noCacheResponseIsStoredForRevalidation() {
    assertThat(check(Req.get("/a"), 200, "cache-control", "no-cache", "etag", "\"1\"").store())
        .isTrue();
  }
}
