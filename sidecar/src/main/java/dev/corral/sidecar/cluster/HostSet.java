package dev.corral.sidecar.cluster;

import java.util.List;

/**
 * One published view of a cluster's membership: every host, the healthy ones, and which of the
 * two balancers pick from. Below the healthy panic threshold (Envoy's
 * {@code common_lb_config.healthy_panic_threshold}, default 50 %) the cluster is in panic and
 * balances over all hosts, so that a few healthy hosts are not buried under the whole load.
 */
public record HostSet(List<Host> all, List<Host> healthy, boolean panic) {

  public HostSet {
    all = List.copyOf(all);
    healthy = List.copyOf(healthy);
  }

  /** The set for {@code hosts} in their current health; {@code panicPercent} 0 disables panic. */
  public static HostSet of(List<Host> hosts, double panicPercent) {
    List<Host> healthy = hosts.stream().filter(Host::healthy).toList();
    boolean panic = !hosts.isEmpty() && panicPercent > 0
        && healthy.size() * 100.0 < panicPercent * hosts.size();
    return new HostSet(hosts, healthy, panic);
  }

  /** The hosts balancers pick from. */
  public List<Host> routable() {
    return panic ? all : healthy;
  }
}
