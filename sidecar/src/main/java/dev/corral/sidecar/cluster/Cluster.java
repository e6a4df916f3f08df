package dev.corral.sidecar.cluster;

import static java.util.Objects.requireNonNull;

import dev.corral.sidecar.cluster.health.HealthChecker;
import dev.corral.sidecar.cluster.limits.CircuitBreakers;
import dev.corral.sidecar.cluster.outlier.OutlierDetector;
import dev.corral.sidecar.pool.ConnectionPool;
import dev.corral.sidecar.stats.ClusterStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * An upstream cluster: its immutable membership and settings, and one {@link ClusterWorker} per
 * event loop holding that loop's balancer and connection pools, so the request path shares nothing
 * between loops but the hosts' load counters.
 */
public final class Cluster implements HealthSink {
  private final String name;
  private volatile List<Host> hosts;
  private final LoadBalancer.Factory balancers;
  private final ConnectionPool.Settings poolSettings;
  private final CircuitBreakers breakers;
  private final double panicPercent;
  private volatile HostSet hostSet;
  private volatile boolean trafficSeen;
  private @Nullable OutlierDetector outlierDetector;
  private @Nullable HealthChecker healthChecker;
  private final ClusterStats stats;
  private final Bootstrap upstreamBootstrap;
  private final Map<EventLoop, ClusterWorker> workers = new ConcurrentHashMap<>();

  public Cluster(String name, List<Host> hosts, LoadBalancer.Factory balancers,
      ConnectionPool.Settings poolSettings, CircuitBreakers breakers, double panicPercent,
      ClusterStats stats, Bootstrap upstreamBootstrap) {
    this.name = requireNonNull(name, "name");
    this.hosts = List.copyOf(hosts);
    this.balancers = requireNonNull(balancers, "balancers");
    this.poolSettings = requireNonNull(poolSettings, "poolSettings");
    this.stats = requireNonNull(stats, "stats");
    this.upstreamBootstrap = requireNonNull(upstreamBootstrap, "upstreamBootstrap");
    this.breakers = requireNonNull(breakers, "breakers");
    this.panicPercent = panicPercent;
    publishHostSet();
  }

  /** The membership balancers pick from now; replaced whole when a host's health changes. */
  public HostSet hostSet() {
    return hostSet;
  }

  public CircuitBreakers breakers() {
    return breakers;
  }

  /** Passive outlier detection, when the cluster has {@code outlier_detection}. */
  public @Nullable OutlierDetector outlierDetector() {
    return outlierDetector;
  }

  /** Attaches the cluster's health monitors; call before traffic flows. */
  public void monitors(@Nullable OutlierDetector outliers, @Nullable HealthChecker checks) {
    this.outlierDetector = outliers;
    this.healthChecker = checks;
  }

  public @Nullable HealthChecker healthChecker() {
    return healthChecker;
  }

  /** Marks that the cluster carried traffic (health checks slow down until it does, as in Envoy). */
  public void sawTraffic() {
    if (!trafficSeen) {
      trafficSeen = true;
      HealthChecker checks = healthChecker;
      if (checks != null) {
        checks.trafficStarted();
      }
    }
  }

  public boolean hadTraffic() {
    return trafficSeen;
  }

  @Override
  public synchronized void setHealth(Host host, HealthFlag flag, boolean failed) {
    if (host.setHealth(flag, failed)) {
      publishHostSet();
    }
  }

  /**
   * Replaces the membership (EDS): publishes a new host set and tells the outlier detector and
   * health checker. Pass the existing {@link Host} objects for endpoints that stay, so their
   * health, ejection and load survive the update.
   */
  public synchronized void setHosts(List<Host> hosts) {
    this.hosts = List.copyOf(hosts);
    publishHostSet();
    if (outlierDetector != null) {
      outlierDetector.setHosts(this.hosts);
    }
    if (healthChecker != null) {
      healthChecker.setHosts(this.hosts);
    }
  }

  /** Requests admitted to this cluster and not finished (circuit-breaker count). */
  public int activeRequests() {
    return breakers.activeRequests();
  }

  private void publishHostSet() {
    HostSet set = HostSet.of(hosts, panicPercent);
    hostSet = set;
    stats.membership(set.all().size(), set.healthy().size());
  }

  public String name() {
    return name;
  }

  public List<Host> hosts() {
    return hosts;
  }

  public ClusterStats stats() {
    return stats;
  }

  public boolean http2() {
    return poolSettings.http2();
  }

  /** This loop's view of the cluster; created on first use, on that loop. */
  public ClusterWorker worker(EventLoop loop) {
    ClusterWorker worker = workers.get(loop);
    if (worker == null) {
      worker = workers.computeIfAbsent(loop, l -> new ClusterWorker(this, l));
    }
    return worker;
  }

  LoadBalancer newBalancer(List<Host> routable) {
    return balancers.create(routable);
  }

  ConnectionPool newPool(EventLoop loop, Host host) {
    return ConnectionPool.create(loop, upstreamBootstrap, host, poolSettings, breakers, stats);
  }

  /**
   * A raw TCP connection to {@code address} on {@code loop}, with the cluster's connect timeout
   * and socket options, outside the HTTP pools (a TCP proxy's upstream). Reads start off.
   */
  public ChannelFuture connectRaw(EventLoop loop, InetSocketAddress address) {
    return upstreamBootstrap.clone().group(loop)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
            poolSettings.connectTimeout().toMillis()))
        .option(ChannelOption.AUTO_READ, false)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(address);
  }

  /** Open upstream connections to {@code host}, summed over loops (read racily, for /clusters). */
  public int activeConnections(Host host) {
    int sum = 0;
    for (ClusterWorker worker : workers.values()) {
      sum += worker.activeConnections(host);
    }
    return sum;
  }

  /** Closes every loop's pools: idle connections now, busy ones when their exchange ends. */
  public void close() {
    if (outlierDetector != null) {
      outlierDetector.stop();
    }
    if (healthChecker != null) {
      healthChecker.stop();
    }
    workers.values().forEach(w -> w.loop().execute(w::close));
  }
}
