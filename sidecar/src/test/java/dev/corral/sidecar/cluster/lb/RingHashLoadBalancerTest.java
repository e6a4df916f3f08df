package dev.corral.sidecar.cluster.lb;

import static dev.corral.sidecar.cluster.lb.TestHosts.equalHosts;
import static dev.corral.sidecar.cluster.lb.TestHosts.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.PickContext;
import org.junit.jupiter.api.Test;

class RingHashLoadBalancerTest {

  @Test
  void sizesTheRingLikeEnvoy() {
    Host[] equal = equalHosts(3).toArray(new Host[0]);
    Host[] skewed = weighted(1, 1000).toArray(new Host[0]);

    // ceil(1024 / 3) points each; the lightest host gets ceil(minRingSize * its share) points,
    // the others as many in proportion, unless that exceeds maxRingSize.
    assertThat(RingHashLoadBalancer.Ring.build(equal, 1024, 8_388_608).size()).isEqualTo(1026);
    assertThat(RingHashLoadBalancer.Ring.build(skewed, 1024, 8_388_608).size()).isEqualTo(2002);
    assertThat(RingHashLoadBalancer.Ring.build(skewed, 1_000_000, 8_388_608).size())
        .isEqualTo(1_001_000);
    assertThat(RingHashLoadBalancer.Ring.build(skewed, 1024, 1500).size()).isEqualTo(1500);
  }

  @Test
  void wrapsHashesPastTheLastPointToTheFirst() {
    Host[] hosts = equalHosts(3).toArray(new Host[0]);
    RingHashLoadBalancer.Ring ring = RingHashLoadBalancer.Ring.build(hosts, 16, 16);

    // -1 is the largest unsigned hash, 0 the smallest: both are owned by the first point.
    assertThat(ring.lookup(-1L)).isSameAs(ring.lookup(0L));
  }

  @Test
  void rejectsRingSizesOutsideEnvoysLimits() {
    assertThatThrownBy(() -> LoadBalancers.ringHash(0, 1024))
        .hasMessage("minRingSize: 0 (expected: 1..8388608)");
    assertThatThrownBy(() -> LoadBalancers.ringHash(2048, 1024))
        .hasMessage("maxRingSize: 1024 (expected: 2048..8388608)");
    assertThatThrownBy(() -> LoadBalancers.ringHash(1024, 8_388_609))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void picksFromTheRingWithTheDefaultRandomSource() {
    assertThat(LoadBalancers.ringHash(1024, 1024).create(equalHosts(2)).pick(PickContext.none()))
        .isNotNull();
  }
}
