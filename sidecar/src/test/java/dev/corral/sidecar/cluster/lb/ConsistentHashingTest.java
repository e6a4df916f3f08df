package dev.corral.sidecar.cluster.lb;

import static dev.corral.sidecar.cluster.lb.TestHosts.equalHosts;
import static dev.corral.sidecar.cluster.lb.TestHosts.tally;
import static dev.corral.sidecar.cluster.lb.TestHosts.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour shared by ring hash and Maglev. */
class ConsistentHashingTest {
  private static final int KEYS = 20_000;

  static Stream<Arguments> balancers() {
    return Stream.of(
        Arguments.of("ringHash", LoadBalancers.ringHash(1024, 8 * 1024 * 1024, new SplittableRandom(1))),
        Arguments.of("maglev", LoadBalancers.maglev(65_537, new SplittableRandom(1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void sendsTheSameHashToTheSameHost(String name, LoadBalancer.Factory factory) {
    List<Host> hosts = equalHosts(5);
    LoadBalancer lb = factory.create(hosts);
    LoadBalancer otherLoop = factory.create(new ArrayList<>(hosts));
    SplittableRandom keys = new SplittableRandom(2);

    for (int i = 0; i < 1_000; i++) {
      long hash = keys.nextLong();
      Host host = lb.pick(PickContext.ofHash(hash));
      assertThat(lb.pick(PickContext.ofHash(hash))).isSameAs(host);
      assertThat(otherLoop.pick(PickContext.ofHash(hash))).isSameAs(host);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void spreadsKeysAcrossHosts(String name, LoadBalancer.Factory factory) {
    List<Host> hosts = equalHosts(5);
    LoadBalancer lb = factory.create(hosts);
    SplittableRandom keys = new SplittableRandom(3);

    Map<Host, Integer> counts = tally(lb, KEYS, () -> PickContext.ofHash(keys.nextLong()));

    // 4,000 each when even; the ring's 1,024 points allow a wider spread than Maglev's table.
    assertThat(counts).containsOnlyKeys(hosts).allSatisfy((h, n) -> assertThat(n).isBetween(3_000, 5_000));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void honoursWeightsThreeToOne(String name, LoadBalancer.Factory factory) {
    List<Host> hosts = weighted(3, 1);
    LoadBalancer lb = factory.create(hosts);
    SplittableRandom keys = new SplittableRandom(4);

    Map<Host, Integer> counts = tally(lb, KEYS, () -> PickContext.ofHash(keys.nextLong()));

    assertThat(counts.get(hosts.get(0))).isBetween(14_000, 16_000);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void keepsKeysOnSurvivingHostsWhenOneIsRemoved(String name, LoadBalancer.Factory factory) {
    List<Host> hosts = equalHosts(10);
    LoadBalancer before = factory.create(hosts);
    Host removed = hosts.get(3);
    List<Host> survivors = new ArrayList<>(hosts);
    survivors.remove(removed);
    LoadBalancer after = factory.create(survivors);
    SplittableRandom keys = new SplittableRandom(5);

    int kept = 0;
    for (int i = 0; i < KEYS; i++) {
      PickContext key = PickContext.ofHash(keys.nextLong());
      Host was = before.pick(key);
      Host now = after.pick(key);
      assertThat(now).isNotSameAs(removed);
      if (was == now) {
        kept++;
      }
    }
    // A tenth of the keys must move; hashing modulo the host count would move nine tenths.
    assertThat(kept).isGreaterThan(KEYS * 3 / 4);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void spreadsRequestsWithoutAHash(String name, LoadBalancer.Factory factory) {
    List<Host> hosts = equalHosts(4);

    assertThat(tally(factory.create(hosts), 4_000)).containsOnlyKeys(hosts);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void returnsNullWithoutHosts(String name, LoadBalancer.Factory factory) {
    LoadBalancer lb = factory.create(List.of());

    assertThat(lb.pick(PickContext.ofHash(42))).isNull();
    assertThat(lb.pick(PickContext.none())).isNull();
  }
}
