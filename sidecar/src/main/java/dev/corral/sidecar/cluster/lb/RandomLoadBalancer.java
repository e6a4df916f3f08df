package dev.corral.sidecar.cluster.lb;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** Weighted random: a uniform draw over the cumulative weights, found by binary search. */
final class RandomLoadBalancer implements LoadBalancer {
  private final List<Host> hostList;
  private final Host[] hosts;
  private final RandomGenerator random;
  // Null when all weights are equal, where a uniform index is enough.
  private final long @Nullable [] cumulative;

  RandomLoadBalancer(List<Host> hostList, Host[] hosts, RandomGenerator random) {
    this.hostList = hostList;
    this.hosts = hosts;
    this.random = random;
    this.cumulative = LoadBalancers.equalWeights(hosts) ? null : LoadBalancers.cumulative(hosts);
  }

  @Override
  public @Nullable Host pick(PickContext context) {
    int n = hosts.length;
    if (n == 0) {
      return null;
    }
    long[] cumulative = this.cumulative;
    if (cumulative == null) {
      return hosts[random.nextInt(n)];
    }
    return hosts[LoadBalancers.indexOf(cumulative, random.nextLong(cumulative[n - 1]))];
  }

  @Override
  public List<Host> hosts() {
    return hostList;
  }
}
