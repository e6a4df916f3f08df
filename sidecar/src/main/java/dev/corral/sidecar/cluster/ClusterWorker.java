package dev.corral.sidecar.cluster;

import dev.corral.sidecar.pool.ConnectionPool;
import io.netty.channel.EventLoop;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One event loop's part of a cluster: its balancer over the current host set and a connection pool
 * per host. Loop-confined; a new balancer is built when the cluster publishes a new host set.
 */
public final class ClusterWorker {
  private final Cluster cluster;
  private final EventLoop loop;
  private final Map<Host, ConnectionPool> pools = new ConcurrentHashMap<>();
  private @Nullable HostSet seen;
  private LoadBalancer balancer;

  ClusterWorker(Cluster cluster, EventLoop loop) {
    this.cluster = cluster;
    this.loop = loop;
  }

  public Cluster cluster() {
    return cluster;
  }

  EventLoop loop() {
    return loop;
  }

  private LoadBalancer balancer() {
    HostSet current = cluster.hostSet();
    if (current != seen) {
      if (seen != null) {
        drainRemoved(seen.all(), current.all());
      }
      seen = current;
      balancer = cluster.newBalancer(current.routable());
    }
    if (current.panic()) {
      cluster.stats().panicPick();
    }
    return balancer;
  }

  /**
   * Like Envoy, drains the pools of hosts that left the cluster (EDS): idle connections close now,
   * busy ones when their exchange ends. Without this they stayed until the idle timeout and their
   * pools until {@link #MAX_IDLE_POOLS}, across every rollout's pod churn.
   */
  private void drainRemoved(List<Host> before, List<Host> now) {
    if (before.equals(now)) {
      return; // a health change: same members
    }
    Set<Host> staying = new HashSet<>(now);
    for (Host host : before) {
      if (!staying.contains(host)) {
        ConnectionPool pool = pools.remove(host);
        if (pool != null) {
          pool.close();
        }
      }
    }
  }

  public @Nullable Host pick(PickContext context) {
    return balancer().pick(context);
  }

  /**
   * Picks avoiding {@code previous} (Envoy's previous_hosts retry predicate): up to
   * {@code attempts} more picks when one lands on a host already tried; then the last pick stands.
   */
  public @Nullable Host pickAvoiding(PickContext context, Collection<Host> previous, int attempts) {
    LoadBalancer lb = balancer();
    Host host = lb.pick(context);
    for (int i = 0; i < attempts && host != null && previous.contains(host); i++) {
      // A hash would land on the same host again: re-pick without it, like Envoy's rehash.
      host = lb.pick(context.hasHash() ? PickContext.ofHash(context.hash() * 31 + i + 1) : context);
    }
    return host;
  }

  public ConnectionPool pool(Host host) {
    ConnectionPool pool = pools.get(host);
    if (pool == null) {
      if (pools.size() >= MAX_IDLE_POOLS) {
        pruneIdlePools(); // an ORIGINAL_DST cluster meets ever new hosts
      }
      pool = cluster.newPool(loop, host);
      pools.put(host, pool);
    }
    return pool;
  }

  /** Beyond this many pools, those without connections are closed before a new one is made. */
  static final int MAX_IDLE_POOLS = 1024;

  private void pruneIdlePools() {
    pools.entrySet().removeIf(e -> {
      if (e.getValue().activeConnections() == 0) {
        e.getValue().close();
        return true;
      }
      return false;
    });
  }

  int activeConnections(Host host) {
    ConnectionPool pool = pools.get(host);
    return pool == null ? 0 : pool.activeConnections();
  }

  void close() {
    pools.values().forEach(ConnectionPool::close);
  }
}
