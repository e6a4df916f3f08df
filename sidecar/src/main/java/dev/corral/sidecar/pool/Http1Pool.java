package dev.corral.sidecar.pool;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.limits.CircuitBreakers;
import dev.corral.sidecar.retry.UpstreamFailure;
import dev.corral.sidecar.stats.ClusterStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive HTTP/1.1 connections to one host: an idle connection is reused (most recently used
 * first, so surplus ones go idle and get evicted); otherwise a new one is opened, up to
 * {@code maxConnections}, beyond which requests wait for a release.
 */
final class Http1Pool implements ConnectionPool {
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final Host host;
  private final Settings settings;
  private final CircuitBreakers breakers;
  private final ClusterStats stats;
  private final ArrayDeque<Http1Connection> idle = new ArrayDeque<>();
  private final ArrayDeque<UpstreamListener> waiting = new ArrayDeque<>();
  private int connections;
  private boolean closed;
  private boolean sweeping;

  Http1Pool(EventLoop loop, Bootstrap bootstrap, Host host, Settings settings, CircuitBreakers breakers,
      ClusterStats stats) {
    this.loop = loop;
    this.host = host;
    this.settings = settings;
    this.breakers = breakers;
    this.stats = stats;
    this.bootstrap = bootstrap
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ChannelPipeline p = ch.pipeline();
            p.addLast("codec", new Http1ClientCodec());
            p.addLast("connection", new Http1Connection(Http1Pool.this));
          }
        });
  }

  @Override
  public void acquire(UpstreamListener listener) {
    Http1Connection connection;
    while ((connection = idle.pollLast()) != null) {
      if (connection.isActive()) {
        connection.assign(listener);
        return;
      }
    }
    // Waiting for a connection, new or released, makes the request pending (Envoy's accounting).
    if (!breakers.tryAddPending()) {
      stats.pendingOverflow();
      listener.onUpstreamFailure(UpstreamFailure.OVERFLOW, "too many requests waiting for a connection");
      return;
    }
    if (!closed && breakers.tryOpenConnection()) {
      connect(listener);
    } else {
      waiting.add(listener);
    }
  }

  private void connect(UpstreamListener listener) {
    connections++;
    ChannelFuture future = bootstrap.connect(host.address());
    future.addListener(f -> {
      breakers.pendingDone();
      if (f.isSuccess()) {
        stats.connectionOpened();
        future.channel().pipeline().get(Http1Connection.class).assign(listener);
      } else {
        connections--;
        breakers.connectionClosed();
        stats.connectFailed();
        listener.onUpstreamFailure(UpstreamFailure.CONNECT_FAILURE, ConnectionPool.describe(f.cause()));
        serveWaiting();
      }
    });
  }

  int maxRequestsPerConnection() {
    return settings.maxRequestsPerConnection();
  }

  Host host() {
    return host;
  }

  void released(Http1Connection connection) {
    UpstreamListener next = waiting.poll();
    if (next != null) {
      breakers.pendingDone();
      connection.assign(next);
    } else if (closed) {
      connection.close();
    } else {
      connection.idleSince(System.nanoTime());
      idle.addLast(connection);
      scheduleSweep();
    }
  }

  /**
   * Evicts connections idle longer than the idle timeout. Idle connections sit in release order,
   * so the oldest are at the head; one timer per pool while any is idle, none per request.
   */
  private void scheduleSweep() {
    long timeoutNanos = settings.idleTimeout().toNanos();
    if (sweeping || timeoutNanos <= 0) {
      return;
    }
    sweeping = true;
    loop.schedule(() -> {
      sweeping = false;
      long now = System.nanoTime();
      Http1Connection oldest;
      while ((oldest = idle.peekFirst()) != null && now - oldest.idleSince() >= timeoutNanos) {
        idle.pollFirst().close();
      }
      if (!idle.isEmpty()) {
        scheduleSweep();
      }
    }, Math.max(timeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
  }

  void closed(Http1Connection connection) {
    connections--;
    breakers.connectionClosed();
    idle.remove(connection);
    stats.connectionClosed();
    serveWaiting();
  }

  /** A connection slot freed: open one for the oldest waiting request, if the breaker allows. */
  private void serveWaiting() {
    if (!waiting.isEmpty() && !closed && breakers.tryOpenConnection()) {
      connect(waiting.poll()); // it keeps its pending slot until the connect completes
    }
  }

  @Override
  public int activeConnections() {
    return connections;
  }

  @Override
  public void close() {
    closed = true;
    Http1Connection connection;
    while ((connection = idle.poll()) != null) {
      connection.close();
    }
  }

  @Override
  public EventLoop eventLoop() {
    return loop;
  }
}
