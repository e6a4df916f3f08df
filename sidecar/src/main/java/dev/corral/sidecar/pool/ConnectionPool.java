package dev.corral.sidecar.pool;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.limits.CircuitBreakers;
import dev.corral.sidecar.stats.ClusterStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.time.Duration;

/**
 * The upstream connections of one host on one event loop. Nothing in it is shared with other
 * loops, so it needs no locks; callers must be on {@link #eventLoop()}.
 */
public interface ConnectionPool {

  /** Finds or opens a connection (HTTP/1.1) or stream (HTTP/2) and tells {@code listener}. */
  void acquire(UpstreamListener listener);

  /** Open connections, for /clusters. */
  int activeConnections();

  /** Closes idle connections now and the others once their exchanges end. */
  void close();

  EventLoop eventLoop();

  /** Settings shared by every pool of a cluster. */
  /** {@code maxRequestsPerConnection}: 0 for unlimited (Envoy's default). */
  record Settings(Duration connectTimeout, Duration idleTimeout, int maxRequestsPerConnection, boolean http2) {}

  /** A pool for {@code host} on {@code loop}; {@code breakers} are the cluster's, shared by every pool. */
  static ConnectionPool create(EventLoop loop, Bootstrap template, Host host, Settings settings,
      CircuitBreakers breakers, ClusterStats stats) {
    Bootstrap bootstrap = template.clone(loop);
    return settings.http2()
        ? new Http2Pool(loop, bootstrap, host, settings, breakers, stats)
        : new Http1Pool(loop, bootstrap, host, settings, breakers, stats);
  }

  /** Describes a failed connect for humans. */
  static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }
}
