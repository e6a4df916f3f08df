package dev.corral.sidecar.cluster.lb;

import static dev.corral.sidecar.cluster.lb.TestHosts.equalHosts;
import static dev.corral.sidecar.cluster.lb.TestHosts.tally;
import static dev.corral.sidecar.cluster.lb.TestHosts.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomLoadBalancerTest {

  @Test
  void spreadsEvenlyOverEqualHosts() {
    List<Host> hosts = equalHosts(4);
    LoadBalancer lb = LoadBalancers.random(new SplittableRandom(1)).create(hosts);

    assertThat(tally(lb, 40_000))
        .containsOnlyKeys(hosts)
        .allSatisfy((h, n) -> assertThat(n).isBetween(9_500, 10_500));
  }

  @Test
  void honoursWeightsThreeToOne() {
    List<Host> hosts = weighted(3, 1);
    LoadBalancer lb = LoadBalancers.random(new SplittableRandom(1)).create(hosts);

    Map<Host, Integer> counts = tally(lb, 40_000);

    assertThat(counts.get(hosts.get(0))).isBetween(29_400, 30_600);
    assertThat(counts.get(hosts.get(1))).isBetween(9_400, 10_600);
  }

  @Test
  void honoursWeightsOfManyHosts() {
    List<Host> hosts = weighted(1, 2, 3, 4);
    LoadBalancer lb = LoadBalancers.random(new SplittableRandom(5)).create(hosts);

    Map<Host, Integer> counts = tally(lb, 100_000);

    for (Host host : hosts) {
      assertThat(counts.get(host)).isBetween(host.weight() * 9_700, host.weight() * 10_300);
    }
  }

  @Test
  void returnsNullWithoutHosts() {
    assertThat(LoadBalancers.random(new SplittableRandom(1)).create(List.of()).pick(PickContext.none()))
        .isNull();
  }
}
