package dev.corral.sidecar.cache;

import dev.corral.sidecar.route.TestHead;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RevalidationTest {
  private final ManualClock clock = new ManualClock();

  private CachedResponse stored(String... headers) {
    return CachedResponse.of(200, HttpFields.of(headers), CachedBody.copyOf(new byte[] {1, 2, 3}),
        clock.millis(), clock.millis());
  }

  @Test
  void conditionalRequestCarriesBothValidators() {
    CachedResponse r = stored("etag", "\"v1\"", "last-modified", "Mon, 01 Jan 2024 00:00:00 GMT");

    HttpFields h = Revalidation.conditionalHeaders(r);
    assertThat(h.get("if-none-match")).isEqualTo("\"v1\"");
    assertThat(h.get("if-modified-since")).isEqualTo("Mon, 01 Jan 2024 00:00:00 GMT");
    assertThat(Revalidation.conditionalHeaders(stored())).isEqualTo(HttpFields.EMPTY);
  }

  @Test
  void notModifiedReplacesStoredFieldsAndKeepsTheBody() {
    CachedResponse r = stored("etag", "\"v1\"", "cache-control", "max-age=60",
        "content-type", "image/png", "x-old", "kept", "age", "50");
    clock.advanceSeconds(100);

    Optional<CachedResponse> merged = Revalidation.freshen(r, HttpFields.of("etag", "\"v1\"",
        "cache-control", "max-age=120", "date", clock.httpDate(), "connection", "close"),
        clock.millis(), clock.millis());

    assertThat(merged).isPresent();
    CachedResponse m = merged.get();
    assertThat(m.headers().getAll("cache-control")).containsExactly("max-age=120");
    assertThat(m.headers().get("content-type")).isEqualTo("image/png");
    assertThat(m.headers().get("x-old")).isEqualTo("kept");
    assertThat(m.headers().get("age")).isNull();
    assertThat(m.headers().get("connection")).isNull();
    assertThat(m.body().toByteArray()).containsExactly(1, 2, 3);
    assertThat(m.responseTimeMillis()).isEqualTo(clock.millis());
    assertThat(Freshness.currentAgeSeconds(m, clock.millis())).isZero();
  }

  @Test
  void notModifiedNeverChangesContentLengthOrEncoding() {
    CachedResponse r = stored("etag", "\"v1\"", "content-encoding", "gzip");

    CachedResponse m = Revalidation.freshen(r, HttpFields.of("content-length", "0",
        "content-encoding", "br"), clock.millis(), clock.millis()).orElseThrow();

    assertThat(m.headers().get("content-length")).isEqualTo("3");
    assertThat(m.headers().get("content-encoding")).isEqualTo("gzip");
  }

  @Test
  void notModifiedForAnotherEtagDoesNotUpdate() {
    CachedResponse r = stored("etag", "\"v1\"");

    assertThat(Revalidation.freshen(r, HttpFields.of("etag", "\"v2\""), 0, 0)).isEmpty();
    assertThat(Revalidation.freshen(r, HttpFields.of("etag", "W/\"v1\""), 0, 0)).isPresent();
  }

  @Test
  void notModifiedWithAnotherLastModifiedDoesNotUpdate() {
    CachedResponse r = stored("last-modified", "Mon, 01 Jan 2024 00:00:00 GMT");

    assertThat(Revalidation.freshen(r,
        HttpFields.of("last-modified", "Tue, 02 Jan 2024 00:00:00 GMT"), 0, 0)).isEmpty();
  }

  @Test
  void clientConditionalsAreAnsweredFromTheStoredResponse() {
    CachedResponse r = stored("etag", "\"v1\"", "last-modified", "Mon, 01 Jan 2024 00:00:00 GMT");

    assertThat(Revalidation.clientNotModified(TestHead.get("images", "/a").header("if-none-match", "\"x\", W/\"v1\""), r))
        .isTrue();
    assertThat(Revalidation.clientNotModified(TestHead.get("images", "/a").header("if-none-match", "\"v2\""), r))
        .isFalse();
    assertThat(Revalidation.clientNotModified(
        TestHead.get("images", "/a").header("if-modified-since", "Mon, 01 Jan 2024 00:00:00 GMT"), r)).isTrue();
    assertThat(Revalidation.clientNotModified(
        TestHead.get("images", "/a").header("if-modified-since", "Sun, 31 Dec 2023 00:00:00 GMT"), r)).isFalse();
  }
}
