package dev.corral.sidecar.bootstrap;

import dev.corral.sidecar.cluster.health.HealthCheckConfig;
import dev.corral.sidecar.cluster.lb.LoadBalancers;
import dev.corral.sidecar.cluster.limits.CircuitBreakers;
import dev.corral.sidecar.cluster.outlier.OutlierConfig;
import java.util.concurrent.ThreadLocalRandom;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.corral.sidecar.route.RouteTable;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Cross-field rules the allowlist cannot express; each error names the offending path. */
final class SemanticChecks {
  static final String HCM_FILTER = "envoy.filters.network.http_connection_manager";
  static final String ROUTER_FILTER = "envoy.filters.http.router";

  private SemanticChecks() {}

  static void check(Bootstrap b) {
    if (b.hasAdmin()) {
      checkAddress(b.getAdmin().getAddress(), "admin.address", 0);
    }
    Set<String> clusters = new HashSet<>();
    for (int i = 0; i < b.getStaticResources().getClustersCount(); i++) {
      Cluster c = b.getStaticResources().getClusters(i);
      String path = "static_resources.clusters[" + i + "]";
      checkCluster(c, path);
      if (!clusters.add(c.getName())) {
        throw new ConfigException(path + ".name", "duplicate cluster \"" + c.getName() + "\"");
      }
    }
    Set<String> listeners = new HashSet<>();
    for (int i = 0; i < b.getStaticResources().getListenersCount(); i++) {
      Listener l = b.getStaticResources().getListeners(i);
      String path = "static_resources.listeners[" + i + "]";
      checkListener(l, path, clusters);
      if (!listeners.add(l.getName())) {
        throw new ConfigException(path + ".name", "duplicate listener \"" + l.getName() + "\"");
      }
    }
  }

  private static void checkListener(Listener l, String path, Set<String> clusters) {
    if (l.getName().isEmpty()) {
      throw new ConfigException(path + ".name", "required");
    }
    if (!l.hasAddress()) {
      throw new ConfigException(path + ".address", "required");
    }
    checkAddress(l.getAddress(), path + ".address", 0);
    if (l.getFilterChainsCount() != 1) {
      throw new ConfigException(path + ".filter_chains",
          "exactly one filter chain is required, found " + l.getFilterChainsCount());
    }
    String chain = path + ".filter_chains[0]";
    if (l.getFilterChains(0).getFiltersCount() != 1) {
      throw new ConfigException(chain + ".filters", "exactly one filter (" + HCM_FILTER
          + ") is required, found " + l.getFilterChains(0).getFiltersCount());
    }
    Filter f = l.getFilterChains(0).getFilters(0);
    String fPath = chain + ".filters[0]";
    if (!f.getName().equals(HCM_FILTER)) {
      throw new ConfigException(fPath + ".name",
          "\"" + f.getName() + "\" not supported (expected: " + HCM_FILTER + ")");
    }
    if (!f.hasTypedConfig()) {
      throw new ConfigException(fPath + ".typed_config", "required");
    }
    HttpConnectionManager hcm =
        unpack(f.getTypedConfig(), HttpConnectionManager.class, fPath + ".typed_config");
    checkHcm(hcm, fPath + ".typed_config", clusters);
  }

  private static void checkHcm(HttpConnectionManager hcm, String path, Set<String> clusters) {
    if (hcm.getStatPrefix().isEmpty()) {
      throw new ConfigException(path + ".stat_prefix", "required");
    }
    if (!hcm.hasRouteConfig()) {
      throw new ConfigException(path + ".route_config", "required (inline; rds is not supported)");
    }
    RouteConfiguration rc = hcm.getRouteConfig();
    try {
      RouteTable.compile(rc);
    } catch (ConfigException e) {
      throw e.under(path + ".route_config");
    }
    for (int v = 0; v < rc.getVirtualHostsCount(); v++) {
      for (int r = 0; r < rc.getVirtualHosts(v).getRoutesCount(); r++) {
        Route route = rc.getVirtualHosts(v).getRoutes(r);
        String rPath = path + ".route_config.virtual_hosts[" + v + "].routes[" + r + "].route";
        checkClusterRefs(route.getRoute(), rPath, clusters);
      }
    }
    int n = hcm.getHttpFiltersCount();
    if (n == 0) {
      throw new ConfigException(path + ".http_filters",
          "required (the last one must be " + ROUTER_FILTER + ")");
    }
    for (int i = 0; i < n; i++) {
      HttpFilter hf = hcm.getHttpFilters(i);
      String hPath = path + ".http_filters[" + i + "]";
      if (!hf.getName().equals(ROUTER_FILTER)) {
        throw new ConfigException(hPath + ".name", "\"" + hf.getName() + "\" not supported");
      }
      if (i != n - 1) {
        throw new ConfigException(hPath + ".name", ROUTER_FILTER + " must be the last filter");
      }
      if (hf.hasTypedConfig()) {
        unpack(hf.getTypedConfig(), io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.class,
            hPath + ".typed_config");
      }
    }
  }

  private static void checkClusterRefs(RouteAction a, String path, Set<String> clusters) {
    if (a.hasWeightedClusters()) {
      for (int i = 0; i < a.getWeightedClusters().getClustersCount(); i++) {
        String name = a.getWeightedClusters().getClusters(i).getName();
        if (!clusters.contains(name)) {
          throw new ConfigException(path + ".weighted_clusters.clusters[" + i + "].name",
              "unknown cluster \"" + name + "\"");
        }
      }
    } else if (!clusters.contains(a.getCluster())) {
      throw new ConfigException(path + ".cluster", "unknown cluster \"" + a.getCluster() + "\"");
    }
  }

  private static void checkCluster(Cluster c, String path) {
    if (c.getName().isEmpty()) {
      throw new ConfigException(path + ".name", "required");
    }
    if (c.getType() != Cluster.DiscoveryType.STATIC) {
      throw new ConfigException(path + ".type",
          c.getType() + " not supported (expected: STATIC)");
    }
    if (c.hasConnectTimeout()
        && (c.getConnectTimeout().getSeconds() < 0 || c.getConnectTimeout().getNanos() < 0
            || (c.getConnectTimeout().getSeconds() == 0 && c.getConnectTimeout().getNanos() == 0))) {
      throw new ConfigException(path + ".connect_timeout", "must be positive");
    }
    switch (c.getLbPolicy()) {
      case ROUND_ROBIN, LEAST_REQUEST, RING_HASH, RANDOM, MAGLEV -> {}
      default -> throw new ConfigException(path + ".lb_policy", c.getLbPolicy() + " not supported");
    }
    if (c.hasLoadBalancingPolicy() && c.getLbPolicy() != Cluster.LbPolicy.ROUND_ROBIN) {
      // Envoy would silently ignore lb_policy; we refuse rather than ignore.
      throw new ConfigException(path + ".lb_policy",
          "set either lb_policy or load_balancing_policy, not both");
    }
    if (c.hasRingHashLbConfig()) {
      Cluster.RingHashLbConfig r = c.getRingHashLbConfig();
      long min = r.hasMinimumRingSize() ? r.getMinimumRingSize().getValue() : 1024;
      long max = r.hasMaximumRingSize() ? r.getMaximumRingSize().getValue() : 8 * 1024 * 1024;
      if (max > 8 * 1024 * 1024) {
        throw new ConfigException(path + ".ring_hash_lb_config.maximum_ring_size",
            max + " (expected: <= 8388608)");
      }
      if (min > max) {
        throw new ConfigException(path + ".ring_hash_lb_config.minimum_ring_size",
            min + " (expected: <= maximum_ring_size " + max + ")");
      }
    }
    if (c.hasMaglevLbConfig() && c.getMaglevLbConfig().hasTableSize()
        && !isPrime(c.getMaglevLbConfig().getTableSize().getValue())) {
      throw new ConfigException(path + ".maglev_lb_config.table_size",
          c.getMaglevLbConfig().getTableSize().getValue() + " (expected: a prime number)");
    }
    if (c.hasLeastRequestLbConfig() && c.getLeastRequestLbConfig().hasChoiceCount()
        && c.getLeastRequestLbConfig().getChoiceCount().getValue() < 2) {
      throw new ConfigException(path + ".least_request_lb_config.choice_count", "(expected: >= 2)");
    }
    if (c.getCommonLbConfig().hasHealthyPanicThreshold()) {
      double v = c.getCommonLbConfig().getHealthyPanicThreshold().getValue();
      if (!(v >= 0 && v <= 100)) {
        throw new ConfigException(path + ".common_lb_config.healthy_panic_threshold.value",
            v + " (expected: 0..100)");
      }
    }
    String lcn = c.getLoadAssignment().getClusterName();
    if (!lcn.isEmpty() && !lcn.equals(c.getName())) {
      throw new ConfigException(path + ".load_assignment.cluster_name",
          "\"" + lcn + "\" (expected: the cluster's name \"" + c.getName() + "\")");
    }
    for (int i = 0; i < c.getLoadAssignment().getEndpointsCount(); i++) {
      LocalityLbEndpoints group = c.getLoadAssignment().getEndpoints(i);
      String gPath = path + ".load_assignment.endpoints[" + i + "]";
      if (group.hasLoadBalancingWeight() && group.getLoadBalancingWeight().getValue() == 0) {
        throw new ConfigException(gPath + ".load_balancing_weight", "0 (expected: >= 1)");
      }
      for (int j = 0; j < group.getLbEndpointsCount(); j++) {
        String ePath = gPath + ".lb_endpoints[" + j + "]";
        var e = group.getLbEndpoints(j);
        if (!e.hasEndpoint() || !e.getEndpoint().hasAddress()) {
          throw new ConfigException(ePath + ".endpoint.address", "required");
        }
        checkAddress(e.getEndpoint().getAddress(), ePath + ".endpoint.address", 1);
        if (e.hasLoadBalancingWeight() && e.getLoadBalancingWeight().getValue() == 0) {
          throw new ConfigException(ePath + ".load_balancing_weight", "0 (expected: >= 1)");
        }
      }
    }
    for (Map.Entry<String, Any> e : c.getTypedExtensionProtocolOptionsMap().entrySet()) {
      String oPath = path + ".typed_extension_protocol_options[\"" + e.getKey() + "\"]";
      HttpProtocolOptions o = unpack(e.getValue(), HttpProtocolOptions.class, oPath);
      if (!o.hasExplicitHttpConfig()) {
        throw new ConfigException(oPath + ".explicit_http_config", "required");
      }
      if (o.getExplicitHttpConfig().getProtocolConfigCase()
          == HttpProtocolOptions.ExplicitHttpConfig.ProtocolConfigCase.PROTOCOLCONFIG_NOT_SET) {
        throw new ConfigException(oPath + ".explicit_http_config",
            "one of http_protocol_options, http2_protocol_options is required");
      }
    }
    // The components that own a subtree validate it; run them now so a bad bootstrap fails at load.
    try {
      LoadBalancers.forCluster(c, ThreadLocalRandom.current(), System::nanoTime);
      HealthCheckConfig.forCluster(c.getHealthChecksList());
    } catch (ConfigException e) {
      throw e.under(path);
    }
    if (c.hasCircuitBreakers()) {
      try {
        CircuitBreakers.from(c.getCircuitBreakers());
      } catch (ConfigException e) {
        throw e.under(path + ".circuit_breakers");
      }
    }
    if (c.hasOutlierDetection()) {
      try {
        OutlierConfig.fromProto(c.getOutlierDetection());
      } catch (ConfigException e) {
        throw e.under(path + ".outlier_detection");
      }
    }
  }

  private static void checkAddress(Address a, String path, int minPort) {
    if (!a.hasSocketAddress()) {
      throw new ConfigException(path + ".socket_address", "required");
    }
    SocketAddress s = a.getSocketAddress();
    if (s.getAddress().isEmpty()) {
      throw new ConfigException(path + ".socket_address.address", "required");
    }
    if (!com.google.common.net.InetAddresses.isInetAddress(s.getAddress())) {
      throw new ConfigException(path + ".socket_address.address",
          "\"" + s.getAddress() + "\" (expected: an IP address; STATIC resolves no names)");
    }
    long port = Integer.toUnsignedLong(s.getPortValue());
    if (port < minPort || port > 65535) {
      throw new ConfigException(path + ".socket_address.port_value",
          port + " (expected: " + minPort + "..65535)");
    }
  }

  private static <T extends Message> T unpack(Any any, Class<T> type, String path) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(path, "expected type " + typeName(type) + ", got \""
          + any.getTypeUrl() + "\"");
    }
  }

  private static String typeName(Class<? extends Message> type) {
    return com.google.protobuf.Internal.getDefaultInstance(type).getDescriptorForType().getFullName();
  }

  private static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    for (long d = 2; d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }
}
