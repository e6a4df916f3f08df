package dev.corral.sidecar.xds;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * What validated xDS changes do to the running proxy; the sidecar implements it. Called on the xDS
 * thread only, one change at a time. A method that cannot apply its change (a port in use) throws
 * {@link dev.corral.sidecar.bootstrap.ConfigException}; the response is then NACKed with it.
 */
public interface XdsTarget {
  /**
   * Adds or replaces a cluster. {@code endpoints}: the last assignment EDS delivered for it, if
   * any, so a replaced EDS cluster is warm at once.
   */
  void putCluster(Cluster cluster, @Nullable ClusterLoadAssignment endpoints);

  void removeCluster(String name);

  /** New membership for the EDS cluster {@code clusterName}. */
  void setEndpoints(String clusterName, ClusterLoadAssignment endpoints);

  /** Adds or replaces a listener; {@code routes}: its RDS route configuration when known already. */
  void putListener(Listener listener, @Nullable RouteConfiguration routes);

  void removeListener(String name);

  /** New routes for the listener {@code listenerName}, which uses RDS. */
  void setRoutes(String listenerName, RouteConfiguration routes);
}
