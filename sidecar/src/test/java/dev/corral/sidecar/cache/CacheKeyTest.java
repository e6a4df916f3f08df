package dev.corral.sidecar.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
  private final CacheKeys keys = CacheKeys.of(CacheConfig.defaults());

  @Test
  void sameRequestGivesEqualKeys() {
    CacheKey a = keys.keyFor(Req.get("/a?x=1").h("accept", "image/webp"));
    CacheKey b = keys.keyFor(Req.get("/a?x=1").h("Accept", "image/webp"));

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void methodIsNotPartOfTheKey() {
    assertThat(keys.keyFor(Req.of("HEAD", "images", "/a")))
        .isEqualTo(keys.keyFor(Req.of("GET", "images", "/a")));
  }

  @Test
  void authorityIsCaseInsensitivePathAndQueryAreNot() {
    assertThat(keys.keyFor(Req.of("GET", "IMAGES", "/a")))
        .isEqualTo(keys.keyFor(Req.of("GET", "images", "/a")));
    assertThat(keys.keyFor(Req.get("/A"))).isNotEqualTo(keys.keyFor(Req.get("/a")));
    assertThat(keys.keyFor(Req.get("/a?x=1"))).isNotEqualTo(keys.keyFor(Req.get("/a?x=2")));
    assertThat(keys.keyFor(Req.of("GET", "other", "/a"))).isNotEqualTo(keys.keyFor(Req.get("/a")));
  }

  @Test
  void keyHeadersSeparateKeysAndAbsentDiffersFromEmpty() {
    CacheKey webp = keys.keyFor(Req.get("/a").h("accept", "image/webp"));
    CacheKey png = keys.keyFor(Req.get("/a").h("accept", "image/png"));
    CacheKey empty = keys.keyFor(Req.get("/a").h("accept", ""));
    CacheKey none = keys.keyFor(Req.get("/a"));

    assertThat(webp).isNotEqualTo(png);
    assertThat(empty).isNotEqualTo(none);
  }

  @Test
  void headersOutsideThePolicyDoNotSeparateKeys() {
    assertThat(keys.keyFor(Req.get("/a").h("user-agent", "x")))
        .isEqualTo(keys.keyFor(Req.get("/a").h("user-agent", "y")));
  }

  @Test
  void credentialsAreKeyedUnlessShared() {
    CacheKey alice = keys.keyFor(Req.get("/a").h("authorization", "Bearer alice"));
    CacheKey bob = keys.keyFor(Req.get("/a").h("authorization", "Bearer bob"));
    CacheKey cookie = keys.keyFor(Req.get("/a").h("cookie", "s=1"));
    CacheKey anonymous = keys.keyFor(Req.get("/a"));

    assertThat(alice).isNotEqualTo(bob).isNotEqualTo(anonymous);
    assertThat(cookie).isNotEqualTo(anonymous);

    CacheKeys shared = CacheKeys.of(CacheConfig.defaults().withKeyHeaders(List.of(), true));
    assertThat(shared.keyFor(Req.get("/a").h("authorization", "Bearer alice")))
        .isEqualTo(shared.keyFor(Req.get("/a").h("authorization", "Bearer bob")));
  }

  @Test
  void toStringNeverShowsCredentials() {
    CacheKey k = keys.keyFor(Req.get("/a").h("authorization", "Bearer s3cret"));

    assertThat(k.toString()).doesNotContain("s3cret").contains("redacted");
  }

  @Test
  void varySpecIsSortedLowerCasedAndDeduplicated() {
    VarySpec spec = VarySpec.of(HttpFields.of("vary", "Accept-Encoding, Accept", "Vary", "accept"));

    assertThat(spec.names()).containsExactly("accept", "accept-encoding");
    assertThat(VarySpec.of(HttpFields.of("vary", "Accept, *")).any()).isTrue();
    assertThat(VarySpec.of(HttpFields.EMPTY)).isEqualTo(VarySpec.NONE);
  }

  @Test
  void variantKeyTakesTheRequestValuesOfTheVaryHeaders() {
    VarySpec spec = VarySpec.of(HttpFields.of("vary", "accept-language"));
    CacheKey key = keys.keyFor(Req.get("/a"));

    assertThat(spec.variantOf(key, Req.get("/a").h("accept-language", "de")))
        .isEqualTo(spec.variantOf(key, Req.get("/a").h("accept-language", "de")))
        .isNotEqualTo(spec.variantOf(key, Req.get("/a").h("accept-language", "fr")));
  }
}
