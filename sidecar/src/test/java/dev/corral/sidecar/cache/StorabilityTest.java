package dev.corral.sidecar.cache;

import dev.corral.sidecar.route.TestHead;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorabilityTest {
  private final ManualClock clock = new ManualClock();
  private final Storability storability = Storability.of(CacheConfig.defaults());

  private Storability.Decision check(TestHead req, int status, String... headers) {
    return storability.check(req, status, HttpFields.of(headers), clock.millis());
  }

  @Test
  void storesA200WithMaxAge() {
    assertThat(check(TestHead.get("images", "/a"), 200, "cache-control", "max-age=60").store()).isTrue();
  }

  @Test
  void refusesNoStoreInRequestOrResponse() {
    assertThat(check(TestHead.get("images", "/a").header("cache-control", "no-store"), 200,
        "cache-control", "max-age=60").reason()).isEqualTo("request-no-store");
    assertThat(check(TestHead.get("images", "/a"), 200, "cache-control", "no-store, max-age=60").reason())
        .isEqualTo("no-store");
  }

  @Test
  void storesOnlyGetResponses() {
    assertThat(check(TestHead.of("HEAD", "images", "/a"), 200, "cache-control", "max-age=60").store())
        .isFalse();
    assertThat(check(TestHead.of("POST", "images", "/a"), 200, "cache-control", "max-age=60").store())
        .isFalse();
  }

  @Test
  void statusesCacheableByDefaultNeedNoExplicitFreshnessOthersDo() {
    assertThat(check(TestHead.get("images", "/a"), 404, "etag", "\"1\"").store()).isTrue();
    assertThat(check(TestHead.get("images", "/a"), 301, "etag", "\"1\"").store()).isTrue();
    assertThat(check(TestHead.get("images", "/a"), 500, "etag", "\"1\"").reason()).isEqualTo("status");
    assertThat(check(TestHead.get("images", "/a"), 302, "etag", "\"1\"").reason()).isEqualTo("status");
    assertThat(check(TestHead.get("images", "/a"), 302, "cache-control", "max-age=60").store()).isTrue();
    assertThat(check(TestHead.get("images", "/a"), 503, "expires", HttpDates.format(clock.millis() + 60_000),
        "date", clock.httpDate()).store()).isTrue();
  }

  @Test
  void neverStoresNotModifiedOrPartialContent() {
    assertThat(check(TestHead.get("images", "/a"), 304, "cache-control", "max-age=60").store()).isFalse();
    assertThat(check(TestHead.get("images", "/a"), 206, "cache-control", "max-age=60").reason())
        .isEqualTo("partial");
  }

  @Test
  void privateIsStoredOnlyWhenCredentialsArePartOfTheKey() {
    TestHead withCookie = TestHead.get("images", "/a").header("cookie", "s=1");
    assertThat(check(withCookie, 200, "cache-control", "private, max-age=60").store()).isTrue();
    assertThat(check(TestHead.get("images", "/a"), 200, "cache-control", "private, max-age=60").reason())
        .isEqualTo("private");

    Storability shared = Storability.of(CacheConfig.defaults().withKeyHeaders(List.of(), true));
    assertThat(shared.check(withCookie, 200, HttpFields.of("cache-control", "private, max-age=60"),
        clock.millis()).reason()).isEqualTo("private");
  }

  @Test
  void authorizationRequiresPublicSMaxAgeOrMustRevalidate() {
    TestHead auth = TestHead.get("images", "/a").header("authorization", "Bearer x");

    assertThat(check(auth, 200, "cache-control", "max-age=60").reason())
        .isEqualTo("authorization");
    assertThat(check(auth, 200, "cache-control", "public, max-age=60").store()).isTrue();
    assertThat(check(auth, 200, "cache-control", "s-maxage=60").store()).isTrue();
    assertThat(check(auth, 200, "cache-control", "must-revalidate, max-age=60").store()).isTrue();
  }

  @Test
  void refusesObjectsLargerThanMaxObjectSize() {
    assertThat(check(TestHead.get("images", "/a"), 200, "cache-control", "max-age=60",
        "content-length", Long.toString((1 << 20) + 1)).reason()).isEqualTo("too-large");
    assertThat(storability.fitsObjectSize(1 << 20)).isTrue();
    assertThat(storability.fitsObjectSize((1 << 20) + 1)).isFalse();
  }

  @Test
  void refusesVaryStarAndSetCookie() {
    assertThat(check(TestHead.get("images", "/a"), 200, "cache-control", "max-age=60", "vary", "*").reason())
        .isEqualTo("vary-any");
    assertThat(check(TestHead.get("images", "/a"), 200, "cache-control", "max-age=60", "set-cookie", "a=b")
        .reason()).isEqualTo("set-cookie");
  }

  @Test
  void responseThatSaysNothingIsStoredOnlyWithADefaultTtlOrAValidator() {
    assertThat(check(TestHead.get("images", "/a"), 200).reason()).isEqualTo("no-freshness");
    assertThat(check(TestHead.get("images", "/a"), 200, "etag", "\"v1\"").store()).isTrue();

    Storability withTtl = Storability.of(CacheConfig.defaults().withDefaultTtl(Duration.ofMinutes(1)));
    assertThat(withTtl.check(TestHead.get("images", "/a"), 200, HttpFields.EMPTY, clock.millis()).store()).isTrue();
  }

  @Test
  void noCacheResponseIsStoredForRevalidation() {
    assertThat(check(TestHead.get("images", "/a"), 200, "cache-control", "no-cache", "etag", "\"1\"").store())
        .isTrue();
  }
}
