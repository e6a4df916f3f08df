package dev.corral.sidecar.cache;

import dev.corral.sidecar.route.TestHead;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
  private final CacheKeys keys = CacheKeys.of(CacheConfig.defaults());

  @Test
  void sameRequestGivesEqualKeys() {
    CacheKey a = keys.keyFor(TestHead.get("images", "/a?x=1").header("accept", "image/webp"));
    CacheKey b = keys.keyFor(TestHead.get("images", "/a?x=1").header("Accept", "image/webp"));

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void methodIsNotPartOfTheKey() {
    assertThat(keys.keyFor(TestHead.of("HEAD", "images", "/a")))
        .isEqualTo(keys.keyFor(TestHead.of("GET", "images", "/a")));
  }

  @Test
  void authorityIsCaseInsensitivePathAndQueryAreNot() {
    assertThat(keys.keyFor(TestHead.of("GET", "IMAGES", "/a")))
        .isEqualTo(keys.keyFor(TestHead.of("GET", "images", "/a")));
    assertThat(keys.keyFor(TestHead.get("images", "/A"))).isNotEqualTo(keys.keyFor(TestHead.get("images", "/a")));
    assertThat(keys.keyFor(TestHead.get("images", "/a?x=1"))).isNotEqualTo(keys.keyFor(TestHead.get("images", "/a?x=2")));
    assertThat(keys.keyFor(TestHead.of("GET", "other", "/a"))).isNotEqualTo(keys.keyFor(TestHead.get("images", "/a")));
  }

  @Test
  void keyHeadersSeparateKeysAndAbsentDiffersFromEmpty() {
    CacheKey webp = keys.keyFor(TestHead.get("images", "/a").header("accept", "image/webp"));
    CacheKey png = keys.keyFor(TestHead.get("images", "/a").header("accept", "image/png"));
    CacheKey empty = keys.keyFor(TestHead.get("images", "/a").header("accept", ""));
    CacheKey none = keys.keyFor(TestHead.get("images", "/a"));

    assertThat(webp).isNotEqualTo(png);
    assertThat(empty).isNotEqualTo(none);
  }

  @Test
  void headersOutsideThePolicyDoNotSeparateKeys() {
    assertThat(keys.keyFor(TestHead.get("images", "/a").header("user-agent", "x")))
        .isEqualTo(keys.keyFor(TestHead.get("images", "/a").header("user-agent", "y")));
  }

  @Test
  void credentialsAreKeyedUnlessShared() {
    CacheKey alice = keys.keyFor(TestHead.get("images", "/a").header("authorization", "Bearer alice"));
    CacheKey bob = keys.keyFor(TestHead.get("images", "/a").header("authorization", "Bearer bob"));
    CacheKey cookie = keys.keyFor(TestHead.get("images", "/a").header("cookie", "s=1"));
    CacheKey anonymous = keys.keyFor(TestHead.get("images", "/a"));

    assertThat(alice).isNotEqualTo(bob).isNotEqualTo(anonymous);
    assertThat(cookie).isNotEqualTo(anonymous);

    CacheKeys shared = CacheKeys.of(CacheConfig.defaults().withKeyHeaders(List.of(), true));
    assertThat(shared.keyFor(TestHead.get("images", "/a").header("authorization", "Bearer alice")))
        .isEqualTo(shared.keyFor(TestHead.get("images", "/a").header("authorization", "Bearer bob")));
  }

  @Test
  void toStringNeverShowsCredentials() {
    CacheKey k = keys.keyFor(TestHead.get("images", "/a").header("authorization", "Bearer s3cret"));

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
    CacheKey key = keys.keyFor(TestHead.get("images", "/a"));

    assertThat(spec.variantOf(key, TestHead.get("images", "/a").header("accept-language", "de")))
        .isEqualTo(spec.variantOf(key, TestHead.get("images", "/a").header("accept-language", "de")))
        .isNotEqualTo(spec.variantOf(key, TestHead.get("images", "/a").header("accept-language", "fr")));
  }
}
