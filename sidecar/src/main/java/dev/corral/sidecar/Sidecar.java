package dev.corral.sidecar;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import dev.corral.sidecar.admin.AdminServer;
import dev.corral.sidecar.bootstrap.BootstrapLoader;
import dev.corral.sidecar.bootstrap.ConfigException;
import dev.corral.sidecar.cluster.Cluster;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.health.HealthCheckConfig;
import dev.corral.sidecar.cluster.health.HealthChecker;
import dev.corral.sidecar.cluster.limits.CircuitBreakers;
import dev.corral.sidecar.cluster.outlier.OutlierConfig;
import dev.corral.sidecar.cluster.outlier.OutlierDetector;
import dev.corral.sidecar.cluster.lb.LoadBalancers;
import dev.corral.sidecar.filter.ListenerFilters;
import dev.corral.sidecar.http.ConnectionManager;
import dev.corral.sidecar.listener.FilterChains;
import dev.corral.sidecar.listener.HttpListener;
import dev.corral.sidecar.pool.ConnectionPool;
import dev.corral.sidecar.route.RouteTable;
import dev.corral.sidecar.stats.ClusterStats;
import dev.corral.sidecar.stats.SidecarMetrics;
import dev.corral.sidecar.stats.report.ServiceNaming;
import dev.corral.sidecar.stats.report.ServiceStatsRecorder;
import dev.corral.sidecar.stats.report.StatsReporter;
import dev.corral.sidecar.stats.report.StatsReporterConfig;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.time.Duration;
import dev.corral.sidecar.xds.AdsClient;
import dev.corral.sidecar.xds.ReconnectBackoff;
import dev.corral.sidecar.xds.XdsTarget;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar assembled from a validated Envoy bootstrap: event loops, clusters, listeners and
 * the admin server. {@link #start} binds everything; {@link #drain} stops accepting and lets
 * in-flight requests finish.
 */
public final class Sidecar implements AutoCloseable, XdsTarget {
  private static final Logger log = LoggerFactory.getLogger(Sidecar.class);
  private static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
  private static final double DEFAULT_PANIC_PERCENT = 50;
  /** A replaced cluster's pools close when its requests end, or after this at the latest. */
  private static final Duration RETIRE_LIMIT = Duration.ofMinutes(10);
  private static final JsonFormat.TypeRegistry DUMP_TYPES = BootstrapLoader.typeRegistry(
      io.envoyproxy.envoy.admin.v3.ListenersConfigDump.getDescriptor(),
      io.envoyproxy.envoy.admin.v3.ClustersConfigDump.getDescriptor(),
      io.envoyproxy.envoy.admin.v3.RoutesConfigDump.getDescriptor(),
      io.envoyproxy.envoy.admin.v3.EndpointsConfigDump.getDescriptor(),
      io.envoyproxy.envoy.config.listener.v3.Listener.getDescriptor(),
      io.envoyproxy.envoy.config.cluster.v3.Cluster.getDescriptor(),
      RouteConfiguration.getDescriptor(),
      ClusterLoadAssignment.getDescriptor());

  private final io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap config;
  private final Transport transport = Transport.best();
  private final EventLoopGroup workers;
  private final EventLoopGroup adminLoop;
  /** Health checks and outlier intervals run here, off the data path. */
  private final EventLoopGroup monitorLoop;
  private final SidecarMetrics metrics;
  /** Streams per-service stats to the control plane; null without node.metadata corral.stats_address. */
  private final StatsReporter statsReporter;
  /** Immutable; replaced whole by CDS, read by every ConnectionManager at each request. */
  private volatile Map<String, Cluster> clusters = Map.of();
  private final Set<String> staticClusters;
  /** Static listeners in bootstrap order, then dynamic ones; written on the xDS thread only. */
  private final List<HttpListener> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, InetSocketAddress> boundAddresses = new ConcurrentHashMap<>();
  private final AdminServer admin;
  private final AdminServer probes;
  private final List<InetSocketAddress> listenerAddresses = new ArrayList<>();
  private final Bootstrap upstream;
  private final @Nullable EventLoopGroup xdsLoop;
  private final @Nullable AdsClient xds;
  private InetSocketAddress adminAddress;
  private volatile boolean started;
  private volatile boolean draining;

  public Sidecar(io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap config, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
    }
    this.config = config;
    this.workers = transport.newGroup(concurrency, "corral-worker");
    this.adminLoop = transport.newGroup(1, "corral-admin");
    this.monitorLoop = transport.newGroup(1, "corral-monitor");
    this.metrics = new SidecarMetrics(
        ServiceStatsRecorder.create(ServiceNaming.mesh(config.getNode().getCluster())));
    this.statsReporter = StatsReporterConfig.fromNode(config.getNode())
        .map(stats -> StatsReporter.connect(stats, metrics.serviceStats(), config.getNode().getId(),
            config.getNode().getCluster(), monitorLoop, transport.socketChannel(), monitorLoop.next()))
        .orElse(null);
    Bootstrap upstream = new Bootstrap().channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true);
    this.upstream = upstream;
    List<io.envoyproxy.envoy.config.cluster.v3.Cluster> staticClusters = config.getStaticResources().getClustersList();
    Map<String, Cluster> built = new LinkedHashMap<>();
    for (int i = 0; i < staticClusters.size(); i++) {
      try {
        Cluster cluster = cluster(staticClusters.get(i), upstream);
        built.put(cluster.name(), cluster);
      } catch (ConfigException e) {
        throw e.under("static_resources.clusters[" + i + "]");
      }
    }
    this.clusters = Collections.unmodifiableMap(built);
    this.staticClusters = Set.copyOf(built.keySet());
    List<Listener> staticListeners = config.getStaticResources().getListenersList();
    for (int i = 0; i < staticListeners.size(); i++) {
      try {
        listeners.add(listener(staticListeners.get(i)));
      } catch (ConfigException e) {
        throw e.under("static_resources.listeners[" + i + "]");
      }
    }
    this.admin = new AdminServer(metrics, () -> clusters.values(), this::configDump, () -> !draining);
    this.probes = admin.probesOnly();
    if (config.getDynamicResources().hasAdsConfig()) {
      String adsCluster = config.getDynamicResources().getAdsConfig().getGrpcServices(0).getEnvoyGrpc()
          .getClusterName();
      List<InetSocketAddress> servers = clusters.get(adsCluster).hosts().stream().map(Host::address).toList();
      this.xdsLoop = transport.newGroup(1, "corral-xds-io");
      this.xds = new AdsClient(config.getNode(), servers, this, staticClusters(), metrics.xds(), transport,
          xdsLoop, ReconnectBackoff.defaults(), new SplittableRandom(), Instant::now);
    } else {
      this.xdsLoop = null;
      this.xds = null;
    }
  }

  private Set<String> staticClusters() {
    return staticClusters;
  }

  /**
   * The hosts of an assignment; a host of {@code previous} with the same address, weight and zone
   * is reused, so its health, ejection and load survive an EDS update.
   */
  static List<Host> hosts(ClusterLoadAssignment assignment, List<Host> previous) {
    Map<InetSocketAddress, Host> known = new HashMap<>();
    previous.forEach(h -> known.put(h.address(), h));
    List<Host> hosts = new ArrayList<>();
    for (LocalityLbEndpoints locality : assignment.getEndpointsList()) {
      for (LbEndpoint endpoint : locality.getLbEndpointsList()) {
        SocketAddress socket = endpoint.getEndpoint().getAddress().getSocketAddress();
        int weight = endpoint.hasLoadBalancingWeight() ? endpoint.getLoadBalancingWeight().getValue() : 1;
        InetSocketAddress address = new InetSocketAddress(socket.getAddress(), socket.getPortValue());
        String zone = locality.getLocality().getZone();
        Host same = known.get(address);
        hosts.add(same != null && same.weight() == weight && same.zone().equals(zone)
            ? same : new Host(address, weight, zone));
      }
    }
    return hosts;
  }

  private Cluster cluster(io.envoyproxy.envoy.config.cluster.v3.Cluster proto, Bootstrap upstream) {
    List<Host> hosts = hosts(proto.getLoadAssignment(), List.of());
    Duration connectTimeout = proto.hasConnectTimeout()
        ? Duration.ofMillis(Durations.toMillis(proto.getConnectTimeout())) : DEFAULT_CONNECT_TIMEOUT;
    Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    boolean http2 = false;
    int maxRequestsPerConnection = 0;
    Any options = proto.getTypedExtensionProtocolOptionsMap().get(HTTP_PROTOCOL_OPTIONS);
    if (options != null) {
      HttpProtocolOptions http;
      try {
        http = options.unpack(HttpProtocolOptions.class);
      } catch (InvalidProtocolBufferException e) {
        throw new ConfigException("typed_extension_protocol_options[\"" + HTTP_PROTOCOL_OPTIONS + "\"]",
            "does not parse: " + e.getMessage());
      }
      http2 = http.getExplicitHttpConfig().hasHttp2ProtocolOptions();
      if (http.getCommonHttpProtocolOptions().hasMaxRequestsPerConnection()) {
        maxRequestsPerConnection = http.getCommonHttpProtocolOptions().getMaxRequestsPerConnection().getValue();
      }
      if (http.getCommonHttpProtocolOptions().hasIdleTimeout()) {
        idleTimeout = Duration.ofMillis(Durations.toMillis(http.getCommonHttpProtocolOptions().getIdleTimeout()));
      }
    }
    CircuitBreakers breakers = CircuitBreakers.defaults();
    if (proto.hasCircuitBreakers()) {
      try {
        breakers = CircuitBreakers.from(proto.getCircuitBreakers());
      } catch (ConfigException e) {
        throw e.under("circuit_breakers");
      }
    }
    double panicPercent = proto.getCommonLbConfig().hasHealthyPanicThreshold()
        ? proto.getCommonLbConfig().getHealthyPanicThreshold().getValue() : DEFAULT_PANIC_PERCENT;
    ClusterStats stats = metrics.cluster(proto.getName());
    if (proto.hasPerConnectionBufferLimitBytes()) {
      int limit = Math.max(2, proto.getPerConnectionBufferLimitBytes().getValue());
      upstream = upstream.clone().option(ChannelOption.WRITE_BUFFER_WATER_MARK,
          new WriteBufferWaterMark(limit / 2, limit));
    }
    Cluster cluster = new Cluster(proto.getName(), hosts,
        LoadBalancers.forCluster(proto, ThreadLocalRandom.current(), System::nanoTime),
        new ConnectionPool.Settings(connectTimeout, idleTimeout, maxRequestsPerConnection, http2), breakers, panicPercent,
        stats, upstream);
    OutlierDetector outliers = null;
    if (proto.hasOutlierDetection()) {
      OutlierConfig outlierConfig;
      try {
        outlierConfig = OutlierConfig.fromProto(proto.getOutlierDetection());
      } catch (ConfigException e) {
        throw e.under("outlier_detection");
      }
      outliers = OutlierDetector.create(outlierConfig, hosts, cluster, new OutlierStats(stats),
          System::nanoTime, new SplittableRandom());
    }
    HealthChecker checks = HealthCheckConfig.forCluster(proto.getHealthChecksList())
        .map(config -> HealthChecker.create(config, proto.getName(), hosts, cluster,
            new HealthStats(stats), monitorLoop.next(), transport, cluster::hadTraffic, new SplittableRandom()))
        .orElse(null);
    cluster.monitors(outliers, checks);
    return cluster;
  }

  /** Counts outlier decisions in the cluster's stats. */
  private record OutlierStats(ClusterStats stats) implements OutlierDetector.Listener {
    @Override
    public void detected(Host host, OutlierDetector.EjectionType type, OutlierDetector.Outcome outcome) {
      if (outcome == OutlierDetector.Outcome.EJECTED) {
        stats.ejected(type.name().toLowerCase(Locale.ROOT));
      }
    }

    @Override
    public void unejected(Host host) {
      stats.unejected();
    }
  }

  /** Counts health checks and transitions in the cluster's stats. */
  private record HealthStats(ClusterStats stats) implements HealthChecker.Listener {
    @Override
    public void checked(Host host, HealthChecker.CheckResult result) {
      stats.healthChecked(result == HealthChecker.CheckResult.HEALTHY);
    }

    @Override
    public void healthChanged(Host host, boolean healthy) {
      stats.healthTransition(healthy);
    }
  }

  private HttpListener listener(Listener proto) {
    return listener(proto, null);
  }

  private HttpListener listener(Listener proto, @Nullable RouteConfiguration rds) {
    HcmChain found = hcmChain(proto);
    // A TCP-only listener still gets a connection manager (no routes): it counts the connections.
    HttpConnectionManager hcm = HttpConnectionManager.getDefaultInstance();
    String hcmConfig = (found == null ? "filter_chains[0]" : found.path()) + ".filters[0].typed_config";
    if (found != null) {
      try {
        hcm = found.chain().getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
      } catch (InvalidProtocolBufferException e) {
        throw new ConfigException(hcmConfig, "does not parse: " + e.getMessage());
      }
    }
    int maxHeaderBytes = (hcm.hasMaxRequestHeadersKb() ? hcm.getMaxRequestHeadersKb().getValue() : 60) * 1024;
    Duration idleTimeout = hcm.getCommonHttpProtocolOptions().hasIdleTimeout()
        ? Duration.ofMillis(Durations.toMillis(hcm.getCommonHttpProtocolOptions().getIdleTimeout()))
        : DEFAULT_IDLE_TIMEOUT;
    boolean generateRequestId = !hcm.hasGenerateRequestId() || hcm.getGenerateRequestId().getValue();
    RouteTable routes;
    try {
      // An RDS listener whose routes have not arrived yet answers 404 until they do.
      routes = RouteTable.compile(hcm.hasRds() && rds != null ? rds : hcm.getRouteConfig());
    } catch (ConfigException e) {
      throw e.under(hcmConfig + ".route_config");
    }
    ConnectionManager manager = new ConnectionManager(proto.getName(), routes, () -> clusters,
        metrics.listener(proto.getName()), maxHeaderBytes, idleTimeout, generateRequestId);
    if (found != null) {
      manager.filters(ListenerFilters.compile(hcm, hcmConfig));
    }
    SocketAddress socket = proto.getAddress().getSocketAddress();
    return new HttpListener(proto.getName(), new InetSocketAddress(socket.getAddress(), socket.getPortValue()),
        manager, FilterChains.compile(proto));
  }

  private record HcmChain(String path, io.envoyproxy.envoy.config.listener.v3.FilterChain chain) {}

  /**
   * The listener's one filter chain holding the HTTP connection manager ({@code filter_chains[i]}
   * or {@code default_filter_chain}), or null when it has none (TCP only).
   */
  private static @Nullable HcmChain hcmChain(Listener proto) {
    for (int i = 0; i < proto.getFilterChainsCount(); i++) {
      if (proto.getFilterChains(i).getFilters(0).getName().equals(FilterChains.HCM)) {
        return new HcmChain("filter_chains[" + i + "]", proto.getFilterChains(i));
      }
    }
    if (proto.hasDefaultFilterChain()
        && proto.getDefaultFilterChain().getFilters(0).getName().equals(FilterChains.HCM)) {
      return new HcmChain("default_filter_chain", proto.getDefaultFilterChain());
    }
    return null;
  }

  /** Binds the admin server and every listener, and starts health checks and outlier detection. */
  public void start() throws InterruptedException {
    if (statsReporter != null) {
      statsReporter.start();
    }
    clusters.values().forEach(this::startMonitors);
    if (config.hasAdmin()) {
      SocketAddress socket = config.getAdmin().getAddress().getSocketAddress();
      adminAddress = admin.start(new InetSocketAddress(socket.getAddress(), socket.getPortValue()), adminLoop,
          transport);
      log.info("admin listening on {}", adminAddress);
    }
    for (HttpListener listener : listeners) {
      InetSocketAddress bound = listener.start(workers, transport);
      listenerAddresses.add(bound);
      boundAddresses.put(listener.name(), bound);
      log.info("listener {} on {} ({} event loops, {})", listener.name(), bound, count(workers), transport);
    }
    started = true;
    if (xds != null) {
      xds.start();
    }
  }

  private void startMonitors(Cluster cluster) {
    if (cluster.outlierDetector() != null) {
      cluster.outlierDetector().start(monitorLoop.next());
    }
    if (cluster.healthChecker() != null) {
      cluster.healthChecker().start();
    }
  }

  // ---- XdsTarget: called on the xDS thread ----

  @Override
  public void putCluster(io.envoyproxy.envoy.config.cluster.v3.Cluster proto,
      @Nullable ClusterLoadAssignment endpoints) {
    Cluster next = cluster(proto, upstream);
    if (endpoints != null) {
      next.setHosts(hosts(endpoints, List.of()));
    }
    startMonitors(next);
    Map<String, Cluster> map = new LinkedHashMap<>(clusters);
    Cluster previous = map.put(next.name(), next);
    clusters = Collections.unmodifiableMap(map);
    log.info("cluster {} {} ({} hosts)", next.name(), previous == null ? "added" : "updated", next.hosts().size());
    if (previous != null) {
      retire(previous);
    }
  }

  @Override
  public void removeCluster(String name) {
    Map<String, Cluster> map = new LinkedHashMap<>(clusters);
    Cluster previous = map.remove(name);
    clusters = Collections.unmodifiableMap(map);
    if (previous != null) {
      log.info("cluster {} removed", name);
      retire(previous);
    }
  }

  /** Stops a replaced cluster's monitors now and closes its pools once its requests in flight end. */
  private void retire(Cluster cluster) {
    if (cluster.outlierDetector() != null) {
      cluster.outlierDetector().stop();
    }
    if (cluster.healthChecker() != null) {
      cluster.healthChecker().stop();
    }
    long deadline = System.nanoTime() + RETIRE_LIMIT.toNanos();
    Runnable[] check = new Runnable[1];
    check[0] = () -> {
      if (cluster.activeRequests() == 0 || System.nanoTime() > deadline) {
        cluster.close();
      } else {
        monitorLoop.schedule(check[0], 100, TimeUnit.MILLISECONDS);
      }
    };
    monitorLoop.schedule(check[0], 100, TimeUnit.MILLISECONDS);
  }

  @Override
  public void setEndpoints(String clusterName, ClusterLoadAssignment endpoints) {
    Cluster cluster = clusters.get(clusterName);
    if (cluster != null) {
      cluster.setHosts(hosts(endpoints, cluster.hosts()));
      log.info("cluster {}: {} hosts from EDS", clusterName, cluster.hosts().size());
    }
  }

  @Override
  public void putListener(Listener proto, @Nullable RouteConfiguration routes) {
    HttpListener next = listener(proto, routes);
    HttpListener previous = dynamicListener(proto.getName());
    if (previous != null && previous.address().equals(next.address())) {
      previous.replaceManager(next.manager(), next.chains());
      log.info("listener {} updated in place", proto.getName());
      return;
    }
    try {
      InetSocketAddress bound = next.start(workers, transport);
      boundAddresses.put(next.name(), bound);
      log.info("listener {} on {} (from LDS)", next.name(), bound);
    } catch (Exception e) {
      throw new ConfigException("address", "cannot bind " + next.address() + ": " + e);
    }
    listeners.add(next);
    if (previous != null) {
      listeners.remove(previous);
      previous.drain();
    }
  }

  @Override
  public void removeListener(String name) {
    HttpListener previous = dynamicListener(name);
    if (previous != null) {
      listeners.remove(previous);
      boundAddresses.remove(name);
      previous.drain();
      log.info("listener {} removed; draining", name);
    }
  }

  @Override
  public void setRoutes(String listenerName, RouteConfiguration routes) {
    HttpListener listener = dynamicListener(listenerName);
    if (listener != null) {
      listener.manager().setRoutes(RouteTable.compile(routes));
    }
  }

  private @Nullable HttpListener dynamicListener(String name) {
    for (HttpListener l : listeners) {
      if (l.name().equals(name)) {
        return l;
      }
    }
    return null;
  }

  /** Where the listener {@code name} (static or from LDS) is bound, or null. */
  public @Nullable InetSocketAddress listenerAddress(String name) {
    return boundAddresses.get(name);
  }

  /** The clusters in force now (static and from CDS). */
  public Map<String, Cluster> clusters() {
    return clusters;
  }

  private static int count(EventLoopGroup group) {
    int n = 0;
    for (var ignored : group) {
      n++;
    }
    return n;
  }

  public List<InetSocketAddress> listenerAddresses() {
    return List.copyOf(listenerAddresses);
  }

  /**
   * Serves {@code /ready} and {@code /stats/prometheus} alone on {@code address} (the pod's 15020),
   * for kubelet probes and Prometheus; call after {@link #start}.
   */
  public InetSocketAddress startProbes(InetSocketAddress address) throws InterruptedException {
    InetSocketAddress bound = probes.start(address, adminLoop, transport);
    log.info("health endpoints (/ready, /stats/prometheus) on {}", bound);
    return bound;
  }

  public InetSocketAddress adminAddress() {
    return adminAddress;
  }

  /**
   * Stops accepting, lets in-flight requests finish (HTTP/1.1 connections close after their
   * response, HTTP/2 ones get a GOAWAY), and waits until none is left or {@code timeout} passed.
   * Returns whether every connection finished in time.
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    draining = true;
    if (xds != null) {
      xds.close();
    }
    listeners.forEach(HttpListener::drain);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (listeners.stream().allMatch(l -> l.openConnections() == 0)) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return false;
  }

  @Override
  public void close() {
    if (statsReporter != null) {
      statsReporter.close();
    }
    if (xds != null) {
      xds.close();
      xdsLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    listeners.forEach(HttpListener::closeAll);
    clusters.values().forEach(Cluster::close);
    admin.stop();
    probes.stop();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    adminLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    monitorLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private String configDump() {
    ConfigDump.Builder dump = ConfigDump.newBuilder()
        .addConfigs(Any.pack(BootstrapConfigDump.newBuilder().setBootstrap(config).build()));
    if (xds != null) {
      dump.addAllConfigs(xds.dump().packed());
    }
    try {
      return JsonFormat.printer().usingTypeRegistry(DUMP_TYPES).print(dump);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("config_dump: " + e.getMessage(), e);
    }
  }
}
