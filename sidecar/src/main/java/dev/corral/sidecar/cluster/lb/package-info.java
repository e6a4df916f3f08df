/**
 * Load balancers: each picks over one immutable host list for one event loop, so per-pick state
 * (a round-robin cursor, an EDF heap) is unsynchronized and picks allocate nothing; membership
 * changes build a new balancer. Load signals ({@code activeRequests}, {@code latency}) are the
 * hosts' shared counters. Consistent-hash tables (ring hash, Maglev) are immutable and shared by
 * every event loop of a factory, as Envoy's thread-aware balancers share theirs. The algorithms
 * follow Envoy ({@code source/extensions/load_balancing_policies/}) and, for peak EWMA, Linkerd
 * (tower {@code load/peak_ewma.rs}); {@link dev.corral.sidecar.cluster.lb.LoadBalancers} is the
 * only public entry point.
 */
@NullMarked
package dev.corral.sidecar.cluster.lb;

import org.jspecify.annotations.NullMarked;
