package dev.corral.sidecar.cluster.lb;

import static dev.corral.sidecar.cluster.lb.TestHosts.equalHosts;
import static dev.corral.sidecar.cluster.lb.TestHosts.tally;
import static dev.corral.sidecar.cluster.lb.TestHosts.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeastRequestLoadBalancerTest {

  @Test
  void prefersIdleHosts() {
    List<Host> hosts = equalHosts(4);
    Host busy = hosts.get(0);
    load(busy, 10);
    LoadBalancer lb = LoadBalancers.leastRequest(2, new SplittableRandom(1)).create(hosts);

    Map<Host, Integer> counts = tally(lb, 16_000);

    // Only when both choices land on it (1/16); a random balancer would send it 1/4.
    assertThat(counts.getOrDefault(busy, 0)).isLessThan(1_400);
  }

  @Test
  void moreChoicesAvoidBusyHostsMore() {
    List<Host> hosts = equalHosts(4);
    Host busy = hosts.get(0);
    load(busy, 10);
    LoadBalancer lb = LoadBalancers.leastRequest(4, new SplittableRandom(1)).create(hosts);

    assertThat(tally(lb, 16_000).getOrDefault(busy, 0)).isLessThan(150);
  }

  @Test
  void spreadsEvenlyOverEqualIdleHosts() {
    List<Host> hosts = equalHosts(4);
    LoadBalancer lb = LoadBalancers.leastRequest(2, new SplittableRandom(1)).create(hosts);

    assertThat(tally(lb, 40_000)).allSatisfy((h, n) -> assertThat(n).isBetween(9_500, 10_500));
  }

  @Test
  void honoursWeightsThreeToOneWhenIdle() {
    List<Host> hosts = weighted(3, 1);
    LoadBalancer lb = LoadBalancers.leastRequest(2, new SplittableRandom(1)).create(hosts);

    Map<Host, Integer> counts = tally(lb, 4_000);

    assertThat(counts.get(hosts.get(0))).isBetween(2_990, 3_010);
  }

  @Test
  void sendsLessToAHeavyHostThatIsBusy() {
    List<Host> hosts = weighted(3, 1);
    load(hosts.get(0), 8); // effective weight 3 / 9 < 1
    LoadBalancer lb = LoadBalancers.leastRequest(2, new SplittableRandom(1)).create(hosts);

    Map<Host, Integer> counts = tally(lb, 4_000);

    assertThat(counts.get(hosts.get(0))).isLessThan(counts.get(hosts.get(1)));
  }

  @Test
  void rejectsFewerThanTwoChoices() {
    assertThatThrownBy(() -> LoadBalancers.leastRequest(1, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("choiceCount: 1 (expected: >= 2)");
  }

  @Test
  void returnsNullWithoutHosts() {
    assertThat(
            LoadBalancers.leastRequest(2, new SplittableRandom(1))
                .create(List.of())
                .pick(PickContext.none()))
        .isNull();
  }

  private static void load(Host host, int requests) {
    for (int i = 0; i < requests; i++) {
      host.requestStarted();
    }
  }
}
