package dev.corral.controlplane.xds;

import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;
import java.util.Map;

/**
 * A node group's snapshot made of {@link SnapshotResources} that {@link SnapshotPublisher} builds
 * once per resource list and shares between groups. {@code Snapshot.create} would build every
 * group's name maps again and hash every resource again (java-control-plane's per-resource
 * version), though most lists and all resources are the same instances in every group.
 */
final class GroupSnapshot extends Snapshot {
  private static final SnapshotResources<Secret> NO_SECRETS = SnapshotResources.create(List.of(), "");

  private final SnapshotResources<Cluster> clusters;
  private final SnapshotResources<ClusterLoadAssignment> endpoints;
  private final SnapshotResources<Listener> listeners;
  private final SnapshotResources<RouteConfiguration> routes;

  GroupSnapshot(SnapshotResources<Cluster> clusters, SnapshotResources<ClusterLoadAssignment> endpoints,
      SnapshotResources<Listener> listeners, SnapshotResources<RouteConfiguration> routes) {
    this.clusters = clusters;
    this.endpoints = endpoints;
    this.listeners = listeners;
    this.routes = routes;
  }

  @Override
  public SnapshotResources<Cluster> clusters() {
    return clusters;
  }

  @Override
  public SnapshotResources<ClusterLoadAssignment> endpoints() {
    return endpoints;
  }

  @Override
  public SnapshotResources<Listener> listeners() {
    return listeners;
  }

  @Override
  public SnapshotResources<RouteConfiguration> routes() {
    return routes;
  }

  @Override
  public SnapshotResources<Secret> secrets() {
    return NO_SECRETS;
  }

  // v3.Snapshot implements this with a generic signature javac does not see as the override of
  // the base class's abstract method; delegate to it (raw type: the two signatures differ).
  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public Map versionedResources(ResourceType resourceType) {
    return super.versionedResources(resourceType);
  }
}
