package dev.corral.sidecar.cluster.lb;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's least request over hosts of equal weight: the host with the fewest active requests
 * among {@code choiceCount} drawn at random (with replacement, as Envoy does).
 */
final class LeastRequestLoadBalancer implements LoadBalancer {
  private final List<Host> hostList;
  private final Host[] hosts;
  private final int choiceCount;
  private final RandomGenerator random;

  LeastRequestLoadBalancer(
      List<Host> hostList, Host[] hosts, int choiceCount, RandomGenerator random) {
    this.hostList = hostList;
    this.hosts = hosts;
    this.choiceCount = choiceCount;
    this.random = random;
  }

  @Override
  public @Nullable Host pick(PickContext context) {
    Host[] hosts = this.hosts;
    int n = hosts.length;
    if (n == 0) {
      return null;
    }
    Host best = hosts[random.nextInt(n)];
    int bestActive = best.activeRequests();
    for (int i = 1; i < choiceCount; i++) {
      Host candidate = hosts[random.nextInt(n)];
      int active = candidate.activeRequests();
      if (active < bestActive) {
        best = candidate;
        bestActive = active;
      }
    }
    return best;
  }

  @Override
  public List<Host> hosts() {
    return hostList;
  }
}
