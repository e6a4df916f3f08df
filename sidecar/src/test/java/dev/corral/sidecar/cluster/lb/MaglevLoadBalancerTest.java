package dev.corral.sidecar.cluster.lb;

import static dev.corral.sidecar.cluster.lb.TestHosts.equalHosts;
import static dev.corral.sidecar.cluster.lb.TestHosts.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.sidecar.cluster.Host;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MaglevLoadBalancerTest {

  @Test
  void fillsEverySlotInProportionToWeight() {
    Host[] hosts = weighted(1, 2, 3).toArray(new Host[0]);

    Host[] table = MaglevLoadBalancer.buildTable(hosts, 65_537);

    Map<Host, Long> slots =
        Arrays.stream(table).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(slots.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(65_537);
    for (Host host : hosts) {
      assertThat(slots.get(host)).isCloseTo(65_537L * host.weight() / 6, org.assertj.core.data.Offset.offset(30L));
    }
  }

  @Test
  void equalHostsGetEqualShares() {
    Host[] hosts = equalHosts(7).toArray(new Host[0]);

    Host[] table = MaglevLoadBalancer.buildTable(hosts, 65_537);

    Map<Host, Long> slots =
        Arrays.stream(table).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(slots.values()).allSatisfy(n -> assertThat(n).isBetween(9_362L, 9_363L));
  }

  @Test
  void rejectsTableSizesThatAreNotPrime() {
    assertThatThrownBy(() -> LoadBalancers.maglev(65_536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tableSize: 65536 (expected: a prime <= 5000011)");
    assertThatThrownBy(() -> LoadBalancers.maglev(5_000_101)).isInstanceOf(IllegalArgumentException.class);
    assertThat(LoadBalancers.maglev(251)).isNotNull();
  }
}
