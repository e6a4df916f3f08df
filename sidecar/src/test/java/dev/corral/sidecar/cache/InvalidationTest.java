package dev.corral.sidecar.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvalidationTest {
  private final UriKey target = new UriKey("images", "/albums/1?x=1");

  @Test
  void unsafeMethodsInvalidateTheTargetUri() {
    for (String m : new String[] {"POST", "PUT", "PATCH", "DELETE", "PURGE"}) {
      assertThat(Invalidation.targets(m, target, 200, HttpFields.EMPTY)).as(m)
          .containsExactly(target);
    }
  }

  @Test
  void safeMethodsInvalidateNothing() {
    for (String m : new String[] {"GET", "HEAD", "OPTIONS", "TRACE"}) {
      assertThat(Invalidation.targets(m, target, 200, HttpFields.EMPTY)).as(m).isEmpty();
    }
  }

  @Test
  void errorResponsesInvalidateNothing() {
    assertThat(Invalidation.targets("POST", target, 404, HttpFields.EMPTY)).isEmpty();
    assertThat(Invalidation.targets("POST", target, 503, HttpFields.EMPTY)).isEmpty();
    assertThat(Invalidation.targets("POST", target, 303, HttpFields.EMPTY)).containsExactly(target);
  }

  @Test
  void locationAndContentLocationOfTheSameAuthorityAreInvalidatedToo() {
    HttpFields h = HttpFields.of("location", "/albums/2", "content-location", "http://IMAGES/c");

    assertThat(Invalidation.targets("POST", target, 201, h)).containsExactly(target,
        new UriKey("images", "/albums/2"), new UriKey("images", "/c"));
  }

  @Test
  void relativeReferencesAreResolvedAgainstTheTarget() {
    assertThat(Invalidation.targets("PUT", target, 200, HttpFields.of("location", "2?y=1")))
        .containsExactly(target, new UriKey("images", "/albums/2?y=1"));
  }

  @Test
  void otherAuthoritiesAndGarbageAreIgnored() {
    HttpFields h = HttpFields.of("location", "http://evil/albums/1",
        "content-location", "http://[bad");

    assertThat(Invalidation.targets("DELETE", target, 204, h)).containsExactly(target);
  }
}
