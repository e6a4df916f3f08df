package dev.corral.controlplane.xds;

import static java.util.Objects.requireNonNull;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One node group's complete set of Envoy resources, the unit that {@link SnapshotPublisher} checks
 * and publishes.
 */
public record XdsResources(
    List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints,
    List<Listener> listeners,
    List<RouteConfiguration> routes) {

  private static final String HCM_TYPE_URL =
      "type.googleapis.com/" + HttpConnectionManager.getDescriptor().getFullName();

  public XdsResources {
    clusters = List.copyOf(requireNonNull(clusters, "clusters"));
    endpoints = List.copyOf(requireNonNull(endpoints, "endpoints"));
    listeners = List.copyOf(requireNonNull(listeners, "listeners"));
    routes = List.copyOf(requireNonNull(routes, "routes"));
  }

  public static XdsResources empty() {
    return new XdsResources(List.of(), List.of(), List.of(), List.of());
  }

  /**
   * The reasons a standard xDS client would be left waiting or would reject this set; empty when
   * it is consistent. Checks: unique names per type; every RDS name a listener references
   * exists; every EDS cluster has a ClusterLoadAssignment; every cluster a route names exists.
   */
  public List<String> consistencyProblems() {
    List<String> problems = new ArrayList<>();
    Set<String> clusterNames = names("clusters", clusters, Cluster::getName, problems);
    Set<String> endpointNames =
        names("endpoints", endpoints, ClusterLoadAssignment::getClusterName, problems);
    names("listeners", listeners, Listener::getName, problems);
    Set<String> routeNames = names("routes", routes, RouteConfiguration::getName, problems);

    for (int i = 0; i < clusters.size(); i++) {
      Cluster c = clusters.get(i);
      if (c.getType() == Cluster.DiscoveryType.EDS) {
        String edsName = c.getEdsClusterConfig().getServiceName().isEmpty()
            ? c.getName() : c.getEdsClusterConfig().getServiceName();
        if (!endpointNames.contains(edsName)) {
          problems.add("clusters[%d] (%s): EDS cluster has no ClusterLoadAssignment named %s"
              .formatted(i, c.getName(), edsName));
        }
      }
    }
    for (int i = 0; i < listeners.size(); i++) {
      Listener l = listeners.get(i);
      int li = i;
      for (int fc = 0; fc < l.getFilterChainsCount(); fc++) {
        int fci = fc;
        checkFilterChain(problems, () -> "listeners[%d] (%s).filter_chains[%d]".formatted(li, l.getName(), fci),
            l.getFilterChains(fc), routeNames, clusterNames);
      }
      if (l.hasDefaultFilterChain()) {
        checkFilterChain(problems, () -> "listeners[%d] (%s).default_filter_chain".formatted(li, l.getName()),
            l.getDefaultFilterChain(), routeNames, clusterNames);
      }
    }
    for (int i = 0; i < routes.size(); i++) {
      RouteConfiguration rc = routes.get(i);
      int ri = i;
      checkRouteConfig(problems, () -> "routes[%d] (%s)".formatted(ri, rc.getName()), rc, clusterNames);
    }
    return List.copyOf(problems);
  }

  // Paths are built only for a problem: a route table of 1,000 virtual hosts is checked per group.
  private static void checkFilterChain(List<String> problems, Supplier<String> path, FilterChain chain,
      Set<String> routeNames, Set<String> clusterNames) {
    for (int f = 0; f < chain.getFiltersCount(); f++) {
      Filter filter = chain.getFilters(f);
      if (!filter.hasTypedConfig() || !filter.getTypedConfig().getTypeUrl().equals(HCM_TYPE_URL)) {
        continue;
      }
      int fi = f;
      Supplier<String> fpath = () -> path.get() + ".filters[%d]".formatted(fi);
      HttpConnectionManager hcm;
      try {
        hcm = filter.getTypedConfig().unpack(HttpConnectionManager.class);
      } catch (InvalidProtocolBufferException e) {
        problems.add(fpath.get() + ": cannot decode HttpConnectionManager: " + e.getMessage());
        continue;
      }
      if (hcm.hasRds()) {
        String name = hcm.getRds().getRouteConfigName();
        if (!routeNames.contains(name)) {
          problems.add(fpath.get() + ".rds.route_config_name: no RouteConfiguration named " + name);
        }
      } else if (hcm.hasRouteConfig()) {
        checkRouteConfig(problems, () -> fpath.get() + ".route_config", hcm.getRouteConfig(), clusterNames);
      }
    }
  }

  private static void checkRouteConfig(List<String> problems, Supplier<String> path, RouteConfiguration rc,
      Set<String> clusterNames) {
    for (int v = 0; v < rc.getVirtualHostsCount(); v++) {
      VirtualHost vh = rc.getVirtualHosts(v);
      for (int r = 0; r < vh.getRoutesCount(); r++) {
        Route route = vh.getRoutes(r);
        if (!route.hasRoute()) {
          continue;
        }
        int vi = v;
        int rj = r;
        Supplier<String> rpath = () -> path.get() + ".virtual_hosts[%d].routes[%d].route".formatted(vi, rj);
        RouteAction action = route.getRoute();
        if (action.hasCluster()) {
          checkCluster(problems, () -> rpath.get() + ".cluster", action.getCluster(), clusterNames);
        } else if (action.hasWeightedClusters()) {
          for (int w = 0; w < action.getWeightedClusters().getClustersCount(); w++) {
            WeightedCluster.ClusterWeight cw = action.getWeightedClusters().getClusters(w);
            int wi = w;
            checkCluster(problems, () -> rpath.get() + ".weighted_clusters.clusters[%d].name".formatted(wi),
                cw.getName(), clusterNames);
          }
        }
      }
    }
  }

  private static void checkCluster(List<String> problems, Supplier<String> path, String name,
      Set<String> clusterNames) {
    if (!clusterNames.contains(name)) {
      problems.add(path.get() + ": no Cluster named " + name);
    }
  }

  private static <T> Set<String> names(String field, List<T> resources, Function<T, String> name,
      List<String> problems) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < resources.size(); i++) {
      String n = name.apply(resources.get(i));
      if (n.isEmpty()) {
        problems.add("%s[%d]: empty name".formatted(field, i));
      } else if (!names.add(n)) {
        problems.add("%s[%d]: duplicate name %s".formatted(field, i, n));
      }
    }
    return names;
  }
}
