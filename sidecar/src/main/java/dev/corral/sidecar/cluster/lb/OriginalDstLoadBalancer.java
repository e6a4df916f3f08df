package dev.corral.sidecar.cluster.lb;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's ORIGINAL_DST cluster (lb_policy CLUSTER_PROVIDED): the host is the address the
 * downstream connection was made to before iptables redirected it. One balancer per event loop,
 * so the map of hosts it made is loop-confined; the least recently used are forgotten beyond
 * {@link #MAX_HOSTS}, as Envoy forgets unused original-destination hosts.
 */
final class OriginalDstLoadBalancer implements LoadBalancer {
  static final int MAX_HOSTS = 1024;

  private final Map<InetSocketAddress, Host> hosts = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Host> eldest) {
      return size() > MAX_HOSTS;
    }
  };

  @Override
  public @Nullable Host pick(PickContext context) {
    InetSocketAddress destination = context.originalDestination();
    if (destination == null) {
      return null; // not redirected to us: there is nowhere to pass through to
    }
    return hosts.computeIfAbsent(destination, a -> new Host(a, 1, ""));
  }

  @Override
  public List<Host> hosts() {
    return List.copyOf(hosts.values());
  }
}
