package dev.corral.sidecar.cluster.lb;

import static dev.corral.sidecar.cluster.lb.TestHosts.equalHosts;
import static dev.corral.sidecar.cluster.lb.TestHosts.sequence;
import static dev.corral.sidecar.cluster.lb.TestHosts.tally;
import static dev.corral.sidecar.cluster.lb.TestHosts.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoundRobinLoadBalancerTest {

  @Test
  void spreadsEvenlyOverEqualHosts() {
    List<Host> hosts = equalHosts(4);
    LoadBalancer lb = LoadBalancers.roundRobin(new SplittableRandom(1)).create(hosts);

    assertThat(tally(lb, 400)).containsOnlyKeys(hosts).allSatisfy((h, n) -> assertThat(n).isEqualTo(100));
  }

  @Test
  void visitsEveryHostOncePerCycleInListOrder() {
    List<Host> hosts = equalHosts(3);
    LoadBalancer lb = LoadBalancers.roundRobin(new SplittableRandom(1)).create(hosts);

    List<Host> picked = sequence(lb, 6);

    int start = hosts.indexOf(picked.get(0));
    for (int i = 0; i < 6; i++) {
      assertThat(picked.get(i)).isEqualTo(hosts.get((start + i) % 3));
    }
  }

  @Test
  void startsEventLoopsAtDifferentHosts() {
    List<Host> hosts = equalHosts(10);
    LoadBalancer.Factory factory = LoadBalancers.roundRobin(new SplittableRandom(7));
    Set<Host> firstPicks = new HashSet<>();
    for (int loop = 0; loop < 20; loop++) {
      firstPicks.add(factory.create(hosts).pick(PickContext.none()));
    }

    assertThat(firstPicks).hasSizeGreaterThan(3);
  }

  @Test
  void honoursWeightsThreeToOne() {
    List<Host> hosts = weighted(3, 1);
    LoadBalancer lb = LoadBalancers.roundRobin(new SplittableRandom(1)).create(hosts);

    Map<Host, Integer> counts = tally(lb, 4000);

    // EDF is exact over whole cycles, up to the random start.
    assertThat(counts.get(hosts.get(0))).isBetween(2995, 3005);
    assertThat(counts.get(hosts.get(1))).isBetween(995, 1005);
  }

  @Test
  void interleavesHeavyHostsInsteadOfSendingBursts() {
    // A naive weighted round robin would send a b c as a a a b b b c: runs of three.
    List<Host> hosts = weighted(3, 3, 1);
    LoadBalancer lb = LoadBalancers.roundRobin(new SplittableRandom(1)).create(hosts);

    assertThat(longestRun(sequence(lb, 700))).isLessThanOrEqualTo(1);
  }

  @Test
  void neverPicksTheLightHostTwiceInARowAtThreeToOne() {
    List<Host> hosts = weighted(3, 1);
    LoadBalancer lb = LoadBalancers.roundRobin(new SplittableRandom(3)).create(hosts);
    List<Host> picked = sequence(lb, 400);

    for (int i = 0; i + 1 < picked.size(); i++) {
      if (picked.get(i) == hosts.get(1)) {
        assertThat(picked.get(i + 1)).isEqualTo(hosts.get(0));
      }
    }
    // Over a 3:1 cycle of four picks the heavy host necessarily runs three times in a row.
    assertThat(longestRun(picked)).isEqualTo(3);
  }

  @Test
  void returnsNullWithoutHosts() {
    assertThat(LoadBalancers.roundRobin(new SplittableRandom(1)).create(List.of()).pick(PickContext.none()))
        .isNull();
    assertThat(LoadBalancers.roundRobin(new SplittableRandom(1)).create(List.of()).hosts()).isEmpty();
  }

  static int longestRun(List<Host> picked) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < picked.size(); i++) {
      run = i > 0 && picked.get(i) == picked.get(i - 1) ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    return longest;
  }
}
