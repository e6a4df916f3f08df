package dev.corral.sidecar.cluster.lb;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Host lists and pick tallies for balancer tests. */
final class TestHosts {
  private TestHosts() {}

  static Host host(int i, int weight) {
    return new Host(new InetSocketAddress("10.0." + i / 250 + "." + (i % 250 + 1), 8080), weight, "");
  }

  static List<Host> equalHosts(int count) {
    List<Host> hosts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      hosts.add(host(i, 1));
    }
    return hosts;
  }

  static List<Host> weighted(int... weights) {
    List<Host> hosts = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      hosts.add(host(i, weights[i]));
    }
    return hosts;
  }

  static Map<Host, Integer> tally(LoadBalancer lb, int picks) {
    return tally(lb, picks, PickContext::none);
  }

  static Map<Host, Integer> tally(LoadBalancer lb, int picks, Supplier<PickContext> context) {
    Map<Host, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(lb.pick(context.get()), 1, Integer::sum);
    }
    return counts;
  }

  static List<Host> sequence(LoadBalancer lb, int picks) {
    List<Host> picked = new ArrayList<>();
    for (int i = 0; i < picks; i++) {
      picked.add(lb.pick(PickContext.none()));
    }
    return picked;
  }
}
