package dev.corral.sidecar.cluster;

import dev.corral.sidecar.pool.ConnectionPool;
import io.netty.channel.EventLoop;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One event loop's part of a cluster: its balancer and a connection pool per host. Loop-confined. */
public final class ClusterWorker {
  private final Cluster cluster;
  private final EventLoop loop;
  private final LoadBalancer balancer;
  private final Map<Host, ConnectionPool> pools = new ConcurrentHashMap<>();

  ClusterWorker(Cluster cluster, EventLoop loop) {
    this.cluster = cluster;
    this.loop = loop;
    this.balancer = cluster.newBalancer();
  }

  public Cluster cluster() {
    return cluster;
  }

  EventLoop loop() {
    return loop;
  }

  public @Nullable Host pick(PickContext context) {
    return balancer.pick(context);
  }

  public ConnectionPool pool(Host host) {
    ConnectionPool pool = pools.get(host);
    if (pool == null) {
      pool = cluster.newPool(loop, host);
      pools.put(host, pool);
    }
    return pool;
  }

  int activeConnections(Host host) {
    ConnectionPool pool = pools.get(host);
    return pool == null ? 0 : pool.activeConnections();
  }

  void close() {
    pools.values().forEach(ConnectionPool::close);
  }
}
