package dev.corral.sidecar.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CacheControlTest {
  private static CacheControl cc(String... lines) {
    return CacheControl.parse(List.of(lines));
  }

  @Test
  void parsesDirectivesCaseInsensitivelyAcrossLines() {
    CacheControl c = cc("Public, MAX-AGE=60", "s-maxage=\"30\", stale-while-revalidate=5");

    assertThat(c.isPublic()).isTrue();
    assertThat(c.maxAge()).isEqualTo(60);
    assertThat(c.sMaxAge()).isEqualTo(30);
    assertThat(c.staleWhileRevalidate()).isEqualTo(5);
    assertThat(c.staleIfError()).isEqualTo(CacheControl.ABSENT);
  }

  @Test
  void invalidOrDuplicatedMaxAgeIsReadAsStale() {
    assertThat(cc("max-age=abc").maxAge()).isZero();
    assertThat(cc("max-age=60, max-age=10").maxAge()).isEqualTo(10);
  }

  @Test
  void hugeDeltaSecondsAreCappedAt2To31() {
    assertThat(cc("max-age=99999999999999999999").maxAge()).isEqualTo(2147483648L);
  }

  @Test
  void maxStaleWithoutValueAcceptsAnyStaleness() {
    assertThat(cc("max-stale").maxStale()).isEqualTo(CacheControl.UNBOUNDED);
    assertThat(cc("max-stale=5").maxStale()).isEqualTo(5);
  }

  @Test
  void qualifiedPrivateAndNoCacheReadAsUnqualified() {
    CacheControl c = cc("private=\"set-cookie, x\", no-cache=\"x\"");

    assertThat(c.isPrivate()).isTrue();
    assertThat(c.noCache()).isTrue();
    assertThat(c.maxAge()).isEqualTo(CacheControl.ABSENT);
  }

  @Test
  void unknownDirectivesAndGarbageAreIgnored() {
    CacheControl c = cc(",,foo=bar, =, max-age=5,,\"");

    assertThat(c.maxAge()).isEqualTo(5);
  }
}
