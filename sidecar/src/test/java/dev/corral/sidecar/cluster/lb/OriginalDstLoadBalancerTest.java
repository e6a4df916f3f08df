package dev.corral.sidecar.cluster.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class OriginalDstLoadBalancerTest {
  private final LoadBalancer lb = LoadBalancers.originalDestination().create(List.of());

  @Test
  void picksTheConnectionsOriginalDestinationAndReusesItsHost() {
    InetSocketAddress outside = new InetSocketAddress("10.77.0.50", 9090);
    Host first = lb.pick(PickContext.none().withOriginalDestination(outside));
    assertThat(first.address()).isEqualTo(outside);
    assertThat(lb.pick(PickContext.ofHash(7).withOriginalDestination(outside))).isSameAs(first);
    assertThat(lb.pick(PickContext.none().withOriginalDestination(new InetSocketAddress("10.77.0.51", 80))))
        .isNotSameAs(first);
  }

  @Test
  void withoutAnOriginalDestinationThereIsNoHost() {
    assertThat(lb.pick(PickContext.none())).isNull();
  }

  @Test
  void forgetsTheLeastRecentlyUsedHostsBeyondItsLimit() {
    for (int i = 0; i < OriginalDstLoadBalancer.MAX_HOSTS + 10; i++) {
      lb.pick(PickContext.none().withOriginalDestination(new InetSocketAddress("10.0.0.1", 1000 + i)));
    }
    assertThat(lb.hosts()).hasSize(OriginalDstLoadBalancer.MAX_HOSTS);
  }
}
