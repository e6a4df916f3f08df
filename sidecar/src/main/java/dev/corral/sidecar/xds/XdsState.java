package dev.corral.sidecar.xds;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.corral.sidecar.bootstrap.ConfigException;
import dev.corral.sidecar.bootstrap.ResourceChecks;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The accepted dynamic resources of each type, and the rules that turn one discovery response
 * into changes of the {@link XdsTarget}: decode, validate every resource (a single bad one
 * rejects the response and nothing changes), diff against what is accepted, apply. Confined to
 * the xDS thread.
 */
final class XdsState {
  static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

  /** One accepted resource with the version of the response that last changed it. */
  record Accepted<T extends Message>(T resource, String version, Instant lastUpdated) {
    Timestamp lastUpdatedProto() {
      return Timestamp.newBuilder().setSeconds(lastUpdated.getEpochSecond()).setNanos(lastUpdated.getNano()).build();
    }
  }

  private final XdsTarget target;
  private final Set<String> staticClusters;
  private final Supplier<Instant> clock;
  private final Map<String, Accepted<Listener>> listeners = new LinkedHashMap<>();
  private final Map<String, Accepted<Cluster>> clusters = new LinkedHashMap<>();
  private final Map<String, Accepted<RouteConfiguration>> routes = new LinkedHashMap<>();
  /** By EDS service name (the cluster's eds_cluster_config.service_name, else its name). */
  private final Map<String, Accepted<ClusterLoadAssignment>> endpoints = new LinkedHashMap<>();

  XdsState(XdsTarget target, Set<String> staticClusters, Supplier<Instant> clock) {
    this.target = requireNonNull(target, "target");
    this.staticClusters = Set.copyOf(staticClusters);
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * Validates and applies one response of {@code typeUrl}. Returns null when it was accepted
   * (ACK), else the error detail for the NACK; a rejected response changes nothing.
   */
  @Nullable String apply(String typeUrl, List<Any> resources, String version) {
    try {
      switch (typeUrl) {
        case LDS -> applyListeners(decode(resources, Listener.class, "listener", Listener::getName,
            ResourceChecks::listener), version);
        case CDS -> applyClusters(decode(resources, Cluster.class, "cluster", Cluster::getName,
            this::checkCluster), version);
        case RDS -> applyRoutes(decode(resources, RouteConfiguration.class, "route_configuration",
            RouteConfiguration::getName, ResourceChecks::routeConfiguration), version);
        case EDS -> applyEndpoints(decode(resources, ClusterLoadAssignment.class, "cluster_load_assignment",
            ClusterLoadAssignment::getClusterName, ResourceChecks::clusterLoadAssignment), version);
        default -> {
          return "unsupported type " + typeUrl;
        }
      }
      return null;
    } catch (Rejected e) {
      return e.getMessage();
    }
  }

  private void checkCluster(Cluster cluster) {
    ResourceChecks.cluster(cluster);
    if (staticClusters.contains(cluster.getName())) {
      throw new ConfigException("name", "\"" + cluster.getName() + "\" is a static cluster of the bootstrap");
    }
  }

  private void applyClusters(Map<String, Cluster> received, String version) {
    ResourceDiff<Cluster> diff = ResourceDiff.of(resources(clusters), received, true);
    for (String name : diff.removed()) {
      target.removeCluster(name);
      clusters.remove(name);
    }
    Instant now = clock.get();
    put(diff.added(), diff.changed(), c -> {
      Accepted<ClusterLoadAssignment> known = endpoints.get(edsName(c));
      target.putCluster(c, isEds(c) && known != null ? known.resource() : null);
      clusters.put(c.getName(), new Accepted<>(c, version, now));
    });
    endpoints.keySet().retainAll(edsNames());
  }

  private void applyEndpoints(Map<String, ClusterLoadAssignment> received, String version) {
    Set<String> wanted = edsNames();
    Instant now = clock.get();
    for (ClusterLoadAssignment cla : received.values()) {
      String name = cla.getClusterName();
      Accepted<ClusterLoadAssignment> before = endpoints.get(name);
      if (!wanted.contains(name) || (before != null && before.resource().equals(cla))) {
        continue;
      }
      for (Accepted<Cluster> c : clusters.values()) {
        if (isEds(c.resource()) && edsName(c.resource()).equals(name)) {
          target.setEndpoints(c.resource().getName(), cla);
        }
      }
      endpoints.put(name, new Accepted<>(cla, version, now));
    }
  }

  private void applyListeners(Map<String, Listener> received, String version) {
    ResourceDiff<Listener> diff = ResourceDiff.of(resources(listeners), received, true);
    for (String name : diff.removed()) {
      target.removeListener(name);
      listeners.remove(name);
    }
    Instant now = clock.get();
    put(diff.added(), diff.changed(), l -> {
      String rds = rdsName(l);
      Accepted<RouteConfiguration> known = rds == null ? null : routes.get(rds);
      target.putListener(l, known == null ? null : known.resource());
      listeners.put(l.getName(), new Accepted<>(l, version, now));
    });
    routes.keySet().retainAll(routeNames());
  }

  private void applyRoutes(Map<String, RouteConfiguration> received, String version) {
    Set<String> wanted = routeNames();
    Instant now = clock.get();
    for (RouteConfiguration rc : received.values()) {
      Accepted<RouteConfiguration> before = routes.get(rc.getName());
      if (!wanted.contains(rc.getName()) || (before != null && before.resource().equals(rc))) {
        continue;
      }
      for (Accepted<Listener> l : listeners.values()) {
        if (rc.getName().equals(rdsName(l.resource()))) {
          target.setRoutes(l.resource().getName(), rc);
        }
      }
      routes.put(rc.getName(), new Accepted<>(rc, version, now));
    }
  }

  /** Applies added then changed resources; a target failure (a port in use) rejects with its name. */
  private <T extends Message> void put(Map<String, T> added, Map<String, T> changed, Consumer<T> apply) {
    List<String> failures = new ArrayList<>();
    for (Map<String, T> part : List.of(added, changed)) {
      part.forEach((name, resource) -> {
        try {
          apply.accept(resource);
        } catch (ConfigException e) {
          failures.add(resource.getDescriptorForType().getName() + " \"" + name + "\": " + e.getMessage());
        }
      });
    }
    if (!failures.isEmpty()) {
      throw new Rejected(String.join("; ", failures));
    }
  }

  /** The route configuration names the accepted listeners ask RDS for. */
  Set<String> routeNames() {
    Set<String> names = new LinkedHashSet<>();
    for (Accepted<Listener> l : listeners.values()) {
      String rds = rdsName(l.resource());
      if (rds != null) {
        names.add(rds);
      }
    }
    return names;
  }

  /** The assignment names the accepted EDS clusters ask EDS for. */
  Set<String> edsNames() {
    Set<String> names = new LinkedHashSet<>();
    for (Accepted<Cluster> c : clusters.values()) {
      if (isEds(c.resource())) {
        names.add(edsName(c.resource()));
      }
    }
    return names;
  }

  Map<String, Accepted<Listener>> listeners() {
    return Collections.unmodifiableMap(listeners);
  }

  Map<String, Accepted<Cluster>> clusters() {
    return Collections.unmodifiableMap(clusters);
  }

  Map<String, Accepted<RouteConfiguration>> routes() {
    return Collections.unmodifiableMap(routes);
  }

  Map<String, Accepted<ClusterLoadAssignment>> endpoints() {
    return Collections.unmodifiableMap(endpoints);
  }

  static boolean isEds(Cluster c) {
    return c.getType() == Cluster.DiscoveryType.EDS;
  }

  static String edsName(Cluster c) {
    String service = c.getEdsClusterConfig().getServiceName();
    return service.isEmpty() ? c.getName() : service;
  }

  /** The RDS route configuration name of a validated listener, or null when its routes are inline. */
  static @Nullable String rdsName(Listener l) {
    List<io.envoyproxy.envoy.config.listener.v3.FilterChain> chains = new ArrayList<>(l.getFilterChainsList());
    if (l.hasDefaultFilterChain()) {
      chains.add(l.getDefaultFilterChain());
    }
    for (var chain : chains) {
      try {
        if (chain.getFiltersCount() > 0 && chain.getFilters(0).getTypedConfig().is(HttpConnectionManager.class)) {
          HttpConnectionManager hcm = chain.getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
          return hcm.hasRds() ? hcm.getRds().getRouteConfigName() : null;
        }
      } catch (InvalidProtocolBufferException e) {
        return null;
      }
    }
    return null;
  }

  private static <T extends Message> Map<String, T> resources(Map<String, Accepted<T>> accepted) {
    Map<String, T> out = new LinkedHashMap<>();
    accepted.forEach((name, a) -> out.put(name, a.resource()));
    return out;
  }

  private static <T extends Message> Map<String, T> decode(List<Any> resources, Class<T> type, String kind,
      Function<T, String> name, Consumer<T> check) {
    Map<String, T> out = new LinkedHashMap<>();
    for (int i = 0; i < resources.size(); i++) {
      T resource;
      try {
        resource = resources.get(i).unpack(type);
      } catch (InvalidProtocolBufferException e) {
        throw new Rejected("resources[" + i + "]: expected " + kind + ", got \""
            + resources.get(i).getTypeUrl() + "\": " + e.getMessage());
      }
      String n = name.apply(resource);
      String label = n.isEmpty() ? kind + " resources[" + i + "]" : kind + " \"" + n + "\"";
      try {
        check.accept(resource);
      } catch (ConfigException e) {
        throw new Rejected(label + ": " + e.getMessage());
      }
      if (out.put(n, resource) != null) {
        throw new Rejected(label + ": duplicate name");
      }
    }
    return out;
  }

  /** A response refused as a whole, with the NACK's error detail. */
  private static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rejected(String detail) {
      super(detail, null, false, false);
    }
  }
}
