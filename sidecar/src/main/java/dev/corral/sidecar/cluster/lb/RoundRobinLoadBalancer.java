package dev.corral.sidecar.cluster.lb;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** Round robin over hosts of equal weight: a plain cursor. */
final class RoundRobinLoadBalancer implements LoadBalancer {
  private final List<Host> hostList;
  private final Host[] hosts;
  private int cursor;

  RoundRobinLoadBalancer(List<Host> hostList, Host[] hosts, RandomGenerator random) {
    this.hostList = hostList;
    this.hosts = hosts;
    // A random start keeps the event loops (and sidecars) from all hitting host 0 first.
    this.cursor = hosts.length == 0 ? 0 : random.nextInt(hosts.length);
  }

  @Override
  public @Nullable Host pick(PickContext context) {
    Host[] hosts = this.hosts;
    if (hosts.length == 0) {
      return null;
    }
    int i = cursor;
    cursor = i + 1 == hosts.length ? 0 : i + 1;
    return hosts[i];
  }

  @Override
  public List<Host> hosts() {
    return hostList;
  }
}
