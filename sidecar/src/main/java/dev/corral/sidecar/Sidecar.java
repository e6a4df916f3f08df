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
import dev.corral.sidecar.http.ConnectionManager;
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
public final class Sidecar implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sidecar.class);
  private static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
  private static final double DEFAULT_PANIC_PERCENT = 50;

  private final io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap config;
  private final Transport transport = Transport.best();
  private final EventLoopGroup workers;
  private final EventLoopGroup adminLoop;
  /** Health checks and outlier intervals run here, off the data path. */
  private final EventLoopGroup monitorLoop;
  private final SidecarMetrics metrics;
  /** Streams per-service stats to the control plane; null without node.metadata corral.stats_address. */
  private final StatsReporter statsReporter;
  private final Map<String, Cluster> clusters = new LinkedHashMap<>();
  private final List<HttpListener> listeners = new ArrayList<>();
  private final AdminServer admin;
  private final List<InetSocketAddress> listenerAddresses = new ArrayList<>();
  private InetSocketAddress adminAddress;
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
            monitorLoop, transport.socketChannel(), monitorLoop.next()))
        .orElse(null);
    Bootstrap upstream = new Bootstrap().channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true);
    List<io.envoyproxy.envoy.config.cluster.v3.Cluster> staticClusters = config.getStaticResources().getClustersList();
    for (int i = 0; i < staticClusters.size(); i++) {
      try {
        Cluster cluster = cluster(staticClusters.get(i), upstream);
        clusters.put(cluster.name(), cluster);
      } catch (ConfigException e) {
        throw e.under("static_resources.clusters[" + i + "]");
      }
    }
    List<Listener> staticListeners = config.getStaticResources().getListenersList();
    for (int i = 0; i < staticListeners.size(); i++) {
      try {
        listeners.add(listener(staticListeners.get(i)));
      } catch (ConfigException e) {
        throw e.under("static_resources.listeners[" + i + "]");
      }
    }
    this.admin = new AdminServer(metrics, clusters::values, this::configDump, () -> !draining);
  }

  private Cluster cluster(io.envoyproxy.envoy.config.cluster.v3.Cluster proto, Bootstrap upstream) {
    List<Host> hosts = new ArrayList<>();
    for (LocalityLbEndpoints locality : proto.getLoadAssignment().getEndpointsList()) {
      for (LbEndpoint endpoint : locality.getLbEndpointsList()) {
        SocketAddress socket = endpoint.getEndpoint().getAddress().getSocketAddress();
        int weight = endpoint.hasLoadBalancingWeight() ? endpoint.getLoadBalancingWeight().getValue() : 1;
        hosts.add(new Host(new InetSocketAddress(socket.getAddress(), socket.getPortValue()), weight,
            locality.getLocality().getZone()));
      }
    }
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
    HttpConnectionManager hcm;
    try {
      hcm = proto.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException("filter_chains[0].filters[0].typed_config", "does not parse: " + e.getMessage());
    }
    int maxHeaderBytes = (hcm.hasMaxRequestHeadersKb() ? hcm.getMaxRequestHeadersKb().getValue() : 60) * 1024;
    Duration idleTimeout = hcm.getCommonHttpProtocolOptions().hasIdleTimeout()
        ? Duration.ofMillis(Durations.toMillis(hcm.getCommonHttpProtocolOptions().getIdleTimeout()))
        : DEFAULT_IDLE_TIMEOUT;
    boolean generateRequestId = !hcm.hasGenerateRequestId() || hcm.getGenerateRequestId().getValue();
    RouteTable routes;
    try {
      routes = RouteTable.compile(hcm.getRouteConfig());
    } catch (ConfigException e) {
      throw e.under("filter_chains[0].filters[0].typed_config.route_config");
    }
    ConnectionManager manager = new ConnectionManager(proto.getName(), routes, clusters,
        metrics.listener(proto.getName()), maxHeaderBytes, idleTimeout, generateRequestId);
    SocketAddress socket = proto.getAddress().getSocketAddress();
    return new HttpListener(proto.getName(), new InetSocketAddress(socket.getAddress(), socket.getPortValue()),
        manager);
  }

  /** Binds the admin server and every listener, and starts health checks and outlier detection. */
  public void start() throws InterruptedException {
    if (statsReporter != null) {
      statsReporter.start();
    }
    for (Cluster cluster : clusters.values()) {
      if (cluster.outlierDetector() != null) {
        cluster.outlierDetector().start(monitorLoop.next());
      }
      if (cluster.healthChecker() != null) {
        cluster.healthChecker().start();
      }
    }
    if (config.hasAdmin()) {
      SocketAddress socket = config.getAdmin().getAddress().getSocketAddress();
      adminAddress = admin.start(new InetSocketAddress(socket.getAddress(), socket.getPortValue()), adminLoop,
          transport);
      log.info("admin listening on {}", adminAddress);
    }
    for (HttpListener listener : listeners) {
      InetSocketAddress bound = listener.start(workers, transport);
      listenerAddresses.add(bound);
      log.info("listener {} on {} ({} event loops, {})", listener.name(), bound, count(workers), transport);
    }
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
    listeners.forEach(HttpListener::closeAll);
    clusters.values().forEach(Cluster::close);
    admin.stop();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    adminLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    monitorLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private String configDump() {
    ConfigDump dump = ConfigDump.newBuilder()
        .addConfigs(Any.pack(BootstrapConfigDump.newBuilder().setBootstrap(config).build()))
        .build();
    try {
      return JsonFormat.printer().usingTypeRegistry(BootstrapLoader.typeRegistry()).print(dump);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("config_dump: " + e.getMessage(), e);
    }
  }
}
