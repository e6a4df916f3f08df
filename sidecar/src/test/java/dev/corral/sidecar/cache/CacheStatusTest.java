package dev.corral.sidecar.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CacheStatusTest {
  @Test
  void hitWithTtl() {
    assertThat(CacheStatus.hit().value()).isEqualTo("corral; hit");
    assertThat(CacheStatus.hit().ttl(42).value()).isEqualTo("corral; hit; ttl=42");
    assertThat(CacheStatus.hit().ttl(-3).value()).isEqualTo("corral; hit; ttl=-3");
  }

  @Test
  void missesNameTheirKindAndWhetherStored() {
    assertThat(CacheStatus.forward(CacheStatus.Fwd.MISS).stored().value())
        .isEqualTo("corral; fwd=miss; stored");
    assertThat(CacheStatus.forward(CacheStore.Outcome.URI_MISS).value())
        .isEqualTo("corral; fwd=uri-miss");
    assertThat(CacheStatus.forward(CacheStore.Outcome.VARY_MISS).value())
        .isEqualTo("corral; fwd=vary-miss");
  }

  @Test
  void revalidationReportsStaleWithTheUpstreamStatus() {
    assertThat(CacheStatus.forward(CacheStatus.Fwd.STALE).fwdStatus(304).ttl(60).value())
        .isEqualTo("corral; fwd=stale; fwd-status=304; ttl=60");
    assertThat(CacheStatus.forward(CacheStatus.Fwd.STALE).fwdStatus(503).ttl(-20)
        .detail("stale-if-error").value())
        .isEqualTo("corral; fwd=stale; fwd-status=503; ttl=-20; detail=stale-if-error");
  }

  @Test
  void collapsedAndQuotedDetail() {
    assertThat(CacheStatus.forward(CacheStatus.Fwd.REQUEST).collapsed().detail("no store \"x\"")
        .value()).isEqualTo("corral; fwd=request; collapsed; detail=\"no store \\\"x\\\"\"");
  }

  @Test
  void appendsAfterMembersFromCachesNearerTheOrigin() {
    assertThat(CacheStatus.hit().appendTo("origin; fwd=miss")).isEqualTo("origin; fwd=miss, corral; hit");
    assertThat(CacheStatus.hit().appendTo(null)).isEqualTo("corral; hit");
  }
}
