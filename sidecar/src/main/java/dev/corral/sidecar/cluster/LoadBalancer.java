package dev.corral.sidecar.cluster;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Picks one host of an immutable host list for a request. A balancer is built for one host list
 * and one event loop (so it may keep unsynchronized state such as a round-robin cursor); when
 * membership changes a new one is built. Implementations come from {@link dev.corral.sidecar.cluster.lb.LoadBalancers}.
 */
public interface LoadBalancer {

  /** The host for this request, or {@code null} when the list is empty. */
  @Nullable
  Host pick(PickContext context);

  /** The hosts this balancer picks from. */
  List<Host> hosts();

  /** Builds a balancer over a host list; one factory per cluster, called once per event loop. */
  @FunctionalInterface
  interface Factory {
    LoadBalancer create(List<Host> hosts);
  }
}
