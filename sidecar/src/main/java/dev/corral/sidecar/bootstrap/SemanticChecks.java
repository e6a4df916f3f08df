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
import dev.corral.sidecar.listener.FilterChains;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Cross-field rules the allowlist cannot express; each error names the offending path. */
final class SemanticChecks {
  static final String HCM_FILTER = "envoy.filters.network.http_connection_manager";
  static final String ROUTER_FILTER = "envoy.filters.http.router";
  static final String TCP_PROXY_FILTER = FilterChains.TCP_PROXY;
  static final String ORIGINAL_DST_FILTER = FilterChains.ORIGINAL_DST;
  static final String HTTP_INSPECTOR_FILTER = FilterChains.HTTP_INSPECTOR;

  private SemanticChecks() {}

  static void check(Bootstrap b) {
    if (b.hasAdmin()) {
      checkAddress(b.getAdmin().getAddress(), "admin.address", 0);
    }
    Set<String> clusters = new HashSet<>();
    for (int i = 0; i < b.getStaticResources().getClustersCount(); i++) {
      Cluster c = b.getStaticResources().getClusters(i);
      String path = "static_resources.clusters[" + i + "]";
      checkCluster(c, path, false);
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
    if (b.hasDynamicResources()) {
      checkDynamicResources(b, "dynamic_resources");
    }
  }

  /**
   * ADS only: {@code ads_config} over gRPC v3 to a static HTTP/2 cluster, and {@code lds_config},
   * {@code cds_config} pointing at it.
   */
  private static void checkDynamicResources(Bootstrap b, String path) {
    var d = b.getDynamicResources();
    if (!d.hasAdsConfig()) {
      throw new ConfigException(path + ".ads_config", "required (only ADS is supported)");
    }
    var ads = d.getAdsConfig();
    String aPath = path + ".ads_config";
    if (ads.getApiType() != io.envoyproxy.envoy.config.core.v3.ApiConfigSource.ApiType.GRPC) {
      throw new ConfigException(aPath + ".api_type", ads.getApiType() + " not supported (expected: GRPC)");
    }
    if (ads.getTransportApiVersion() != io.envoyproxy.envoy.config.core.v3.ApiVersion.V3) {
      throw new ConfigException(aPath + ".transport_api_version",
          ads.getTransportApiVersion() + " not supported (expected: V3)");
    }
    if (ads.getGrpcServicesCount() != 1) {
      throw new ConfigException(aPath + ".grpc_services",
          "exactly one is required, found " + ads.getGrpcServicesCount());
    }
    String cPath = aPath + ".grpc_services[0].envoy_grpc.cluster_name";
    String name = ads.getGrpcServices(0).getEnvoyGrpc().getClusterName();
    if (name.isEmpty()) {
      throw new ConfigException(cPath, "required");
    }
    Cluster target = b.getStaticResources().getClustersList().stream()
        .filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new ConfigException(cPath,
            "unknown cluster \"" + name + "\" (expected: a cluster in static_resources)"));
    HttpProtocolOptions http = null;
    Any options = target.getTypedExtensionProtocolOptionsMap()
        .get(SupportedFields.HTTP_PROTOCOL_OPTIONS);
    if (options != null) {
      http = unpack(options, HttpProtocolOptions.class, cPath);
    }
    if (http == null || !http.getExplicitHttpConfig().hasHttp2ProtocolOptions()) {
      throw new ConfigException(cPath, "cluster \"" + name + "\" must speak HTTP/2 (gRPC): set its "
          + "typed_extension_protocol_options explicit_http_config.http2_protocol_options");
    }
    if (target.getLoadAssignment().getEndpointsCount() == 0) {
      throw new ConfigException(cPath, "cluster \"" + name + "\" has no endpoints");
    }
    if (d.hasLdsConfig()) {
      checkAdsSource(d.getLdsConfig(), path + ".lds_config");
    }
    if (d.hasCdsConfig()) {
      checkAdsSource(d.getCdsConfig(), path + ".cds_config");
    }
  }

  /** A ConfigSource that must say {@code ads: {}}, in API version V3 (or AUTO). */
  static void checkAdsSource(io.envoyproxy.envoy.config.core.v3.ConfigSource source, String path) {
    if (!source.hasAds()) {
      throw new ConfigException(path + ".ads", "required (only ADS is supported)");
    }
    switch (source.getResourceApiVersion()) {
      case AUTO, V3 -> {}
      default -> throw new ConfigException(path + ".resource_api_version",
          source.getResourceApiVersion() + " not supported (expected: V3)");
    }
  }

  /** A listener delivered by LDS: like a static one, but it may use RDS and name clusters CDS may not know yet. */
  static void checkDynamicListener(Listener l) {
    checkListener(l, "", null);
  }

  /** A cluster delivered by CDS: like a static one, but it may be of type EDS. */
  static void checkDynamicCluster(Cluster c) {
    checkCluster(c, "", true);
  }

  static void checkRouteConfiguration(RouteConfiguration rc) {
    if (rc.getName().isEmpty()) {
      throw new ConfigException("name", "required");
    }
    RouteTable.compile(rc);
  }

  static void checkClusterLoadAssignment(io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment cla) {
    if (cla.getClusterName().isEmpty()) {
      throw new ConfigException("cluster_name", "required");
    }
    checkEndpoints(cla, "");
  }

  /** {@code clusters} null: a listener from LDS, whose clusters may arrive later (503 until then). */
  private static void checkListener(Listener l, String path, @Nullable Set<String> clusters) {
    if (l.getName().isEmpty()) {
      throw new ConfigException(JsonShapeCheck.join(path, "name"), "required");
    }
    if (!l.hasAddress()) {
      throw new ConfigException(JsonShapeCheck.join(path, "address"), "required");
    }
    checkAddress(l.getAddress(), JsonShapeCheck.join(path, "address"), 0);
    boolean inspector = checkListenerFilters(l, path);
    if (l.hasListenerFiltersTimeout() && (l.getListenerFiltersTimeout().getSeconds() < 0
        || l.getListenerFiltersTimeout().getNanos() < 0)) {
      throw new ConfigException(JsonShapeCheck.join(path, "listener_filters_timeout"), "must not be negative");
    }
    if (l.getFilterChainsCount() == 0 && !l.hasDefaultFilterChain()) {
      throw new ConfigException(JsonShapeCheck.join(path, "filter_chains"),
          "a filter chain (or default_filter_chain) is required");
    }
    String hcmChain = null;
    Set<String> matches = new HashSet<>();
    for (int i = 0; i < l.getFilterChainsCount() + (l.hasDefaultFilterChain() ? 1 : 0); i++) {
      boolean isDefault = i == l.getFilterChainsCount();
      FilterChain chain = isDefault ? l.getDefaultFilterChain() : l.getFilterChains(i);
      String chainPath = JsonShapeCheck.join(path, isDefault ? "default_filter_chain" : "filter_chains[" + i + "]");
      if (isDefault && chain.hasFilterChainMatch()) {
        throw new ConfigException(chainPath + ".filter_chain_match", "not allowed on the default chain");
      }
      if (!isDefault) {
        String match = checkChainMatch(chain.getFilterChainMatch(), chainPath + ".filter_chain_match", inspector);
        if (!matches.add(match)) {
          throw new ConfigException(chainPath + ".filter_chain_match",
              "the same match as an earlier filter chain (" + match + ")");
        }
      }
      if (checkChainFilter(chain, chainPath, clusters)) {
        if (hcmChain != null) {
          throw new ConfigException(chainPath + ".filters[0]", "only one filter chain may hold an "
              + HCM_FILTER + " (" + hcmChain + " does)");
        }
        hcmChain = chainPath;
      }
    }
  }

  /** Listener filters: original_dst and http_inspector, each at most once. Returns whether the inspector is on. */
  private static boolean checkListenerFilters(Listener l, String path) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < l.getListenerFiltersCount(); i++) {
      ListenerFilter f = l.getListenerFilters(i);
      String fPath = JsonShapeCheck.join(path, "listener_filters[" + i + "]");
      Class<? extends Message> type = switch (f.getName()) {
        case ORIGINAL_DST_FILTER -> OriginalDst.class;
        case HTTP_INSPECTOR_FILTER -> HttpInspector.class;
        default -> throw new ConfigException(fPath + ".name", "\"" + f.getName() + "\" not supported (expected: "
            + ORIGINAL_DST_FILTER + " or " + HTTP_INSPECTOR_FILTER + ")");
      };
      if (f.hasTypedConfig()) {
        unpack(f.getTypedConfig(), type, fPath + ".typed_config");
      }
      if (!seen.add(f.getName())) {
        throw new ConfigException(fPath + ".name", "\"" + f.getName() + "\" repeated");
      }
    }
    return seen.contains(HTTP_INSPECTOR_FILTER);
  }

  /** A chain's match: destination port and application protocols only. Returns it as a key. */
  private static String checkChainMatch(FilterChainMatch m, String path, boolean inspector) {
    if (m.hasDestinationPort()) {
      int port = m.getDestinationPort().getValue();
      if (port < 1 || port > 65535) {
        throw new ConfigException(path + ".destination_port", port + " (expected: 1..65535)");
      }
    }
    for (int i = 0; i < m.getApplicationProtocolsCount(); i++) {
      String p = m.getApplicationProtocols(i);
      if (!FilterChains.HTTP_PROTOCOLS.contains(p)) {
        throw new ConfigException(path + ".application_protocols[" + i + "]",
            "\"" + p + "\" (expected: one of " + new java.util.TreeSet<>(FilterChains.HTTP_PROTOCOLS) + ")");
      }
    }
    if (m.getApplicationProtocolsCount() > 0 && !inspector) {
      throw new ConfigException(path + ".application_protocols",
          "needs the listener filter " + HTTP_INSPECTOR_FILTER + " (nothing else detects the protocol)");
    }
    return "destination_port=" + (m.hasDestinationPort() ? m.getDestinationPort().getValue() : "any")
        + " application_protocols=" + new java.util.TreeSet<>(m.getApplicationProtocolsList());
  }

  /** Exactly one filter: an HCM (returns true) or a tcp_proxy. */
  private static boolean checkChainFilter(FilterChain chain, String chainPath, @Nullable Set<String> clusters) {
    if (chain.getFiltersCount() != 1) {
      throw new ConfigException(chainPath + ".filters", "exactly one filter (" + HCM_FILTER + " or "
          + TCP_PROXY_FILTER + ") is required, found " + chain.getFiltersCount());
    }
    Filter f = chain.getFilters(0);
    String fPath = chainPath + ".filters[0]";
    if (!f.getName().equals(HCM_FILTER) && !f.getName().equals(TCP_PROXY_FILTER)) {
      throw new ConfigException(fPath + ".name",
          "\"" + f.getName() + "\" not supported (expected: " + HCM_FILTER + " or " + TCP_PROXY_FILTER + ")");
    }
    if (!f.hasTypedConfig()) {
      throw new ConfigException(fPath + ".typed_config", "required");
    }
    if (f.getName().equals(TCP_PROXY_FILTER)) {
      TcpProxy tcp = unpack(f.getTypedConfig(), TcpProxy.class, fPath + ".typed_config");
      if (tcp.getStatPrefix().isEmpty()) {
        throw new ConfigException(fPath + ".typed_config.stat_prefix", "required");
      }
      if (tcp.getCluster().isEmpty()) {
        throw new ConfigException(fPath + ".typed_config.cluster", "required");
      }
      if (clusters != null && !clusters.contains(tcp.getCluster())) {
        throw new ConfigException(fPath + ".typed_config.cluster", "unknown cluster \"" + tcp.getCluster() + "\"");
      }
      return false;
    }
    HttpConnectionManager hcm =
        unpack(f.getTypedConfig(), HttpConnectionManager.class, fPath + ".typed_config");
    checkHcm(hcm, fPath + ".typed_config", clusters);
    return true;
  }

  private static void checkHcm(HttpConnectionManager hcm, String path, @Nullable Set<String> clusters) {
    if (hcm.getStatPrefix().isEmpty()) {
      throw new ConfigException(path + ".stat_prefix", "required");
    }
    if (hcm.hasRds()) {
      if (clusters != null) {
        throw new ConfigException(path + ".rds",
            "only in listeners delivered by LDS (a static listener needs an inline route_config)");
      }
      if (hcm.getRds().getRouteConfigName().isEmpty()) {
        throw new ConfigException(path + ".rds.route_config_name", "required");
      }
      checkAdsSource(hcm.getRds().getConfigSource(), path + ".rds.config_source");
    } else if (!hcm.hasRouteConfig()) {
      throw new ConfigException(path + ".route_config",
          clusters != null ? "required (inline; rds is for listeners delivered by LDS)" : "required (or rds)");
    }
    checkHttpFilters(hcm, path);
    if (!hcm.hasRouteConfig()) {
      return;
    }
    RouteConfiguration rc = hcm.getRouteConfig();
    try {
      RouteTable.compile(rc);
    } catch (ConfigException e) {
      throw e.under(path + ".route_config");
    }
    if (clusters == null) {
      return;
    }
    for (int v = 0; v < rc.getVirtualHostsCount(); v++) {
      for (int r = 0; r < rc.getVirtualHosts(v).getRoutesCount(); r++) {
        Route route = rc.getVirtualHosts(v).getRoutes(r);
        String rPath = path + ".route_config.virtual_hosts[" + v + "].routes[" + r + "].route";
        checkClusterRefs(route.getRoute(), rPath, clusters);
      }
    }
  }

  private static void checkHttpFilters(HttpConnectionManager hcm, String path) {
    dev.corral.sidecar.filter.ListenerFilters.compile(hcm, path);
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

  /** {@code dynamic}: delivered by CDS, where type EDS is allowed too. Paths start at {@code path}. */
  private static void checkCluster(Cluster c, String path, boolean dynamic) {
    if (c.getName().isEmpty()) {
      throw new ConfigException(JsonShapeCheck.join(path, "name"), "required");
    }
    if (c.getType() == Cluster.DiscoveryType.EDS && dynamic) {
      if (!c.hasEdsClusterConfig()) {
        throw new ConfigException(JsonShapeCheck.join(path, "eds_cluster_config"), "required for type EDS");
      }
      checkAdsSource(c.getEdsClusterConfig().getEdsConfig(),
          JsonShapeCheck.join(path, "eds_cluster_config.eds_config"));
      if (c.hasLoadAssignment()) {
        throw new ConfigException(JsonShapeCheck.join(path, "load_assignment"),
            "not allowed with type EDS (endpoints come from EDS)");
      }
    } else if (c.getType() == Cluster.DiscoveryType.ORIGINAL_DST) {
      checkOriginalDstCluster(c, path);
      return;
    } else if (c.getType() != Cluster.DiscoveryType.STATIC) {
      throw new ConfigException(JsonShapeCheck.join(path, "type"), c.getType() + " not supported (expected: STATIC,"
          + " ORIGINAL_DST" + (dynamic ? ", or EDS with eds_config {ads: {}}" : "; EDS only in clusters delivered by CDS")
          + ")");
    } else if (c.hasEdsClusterConfig()) {
      throw new ConfigException(JsonShapeCheck.join(path, "eds_cluster_config"), "only with type EDS");
    }
    checkClusterBody(c, path);
  }

  /**
   * Envoy's pass-through cluster: hosts are the connections' original destinations, so it has no
   * endpoints and no balancing, health checking or outlier detection of its own.
   */
  private static void checkOriginalDstCluster(Cluster c, String path) {
    if (c.getLbPolicy() != Cluster.LbPolicy.CLUSTER_PROVIDED) {
      throw new ConfigException(JsonShapeCheck.join(path, "lb_policy"),
          c.getLbPolicy() + " (expected: CLUSTER_PROVIDED with type ORIGINAL_DST)");
    }
    for (String field : List.of("load_assignment", "health_checks", "outlier_detection", "load_balancing_policy",
        "eds_cluster_config", "common_lb_config")) {
      var descriptor = Cluster.getDescriptor().findFieldByName(field);
      boolean set = descriptor.isRepeated() ? c.getRepeatedFieldCount(descriptor) > 0 : c.hasField(descriptor);
      if (set) {
        throw new ConfigException(JsonShapeCheck.join(path, field), "not allowed with type ORIGINAL_DST");
      }
    }
    if (c.hasConnectTimeout() && !com.google.protobuf.util.Durations.isPositive(c.getConnectTimeout())) {
      throw new ConfigException(JsonShapeCheck.join(path, "connect_timeout"), "must be positive");
    }
    if (c.hasCircuitBreakers()) {
      try {
        CircuitBreakers.from(c.getCircuitBreakers());
      } catch (ConfigException e) {
        throw e.under(JsonShapeCheck.join(path, "circuit_breakers"));
      }
    }
  }

  private static void checkClusterBody(Cluster c, String path) {
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
    checkEndpoints(c.getLoadAssignment(), path + ".load_assignment");
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

  private static void checkEndpoints(
      io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment cla, String path) {
    for (int i = 0; i < cla.getEndpointsCount(); i++) {
      LocalityLbEndpoints group = cla.getEndpoints(i);
      String gPath = path + ".endpoints[" + i + "]";
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
