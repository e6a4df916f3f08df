package dev.corral.sidecar.pool;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.stats.ClusterStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
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
  private final ClusterStats stats;
  private final ArrayDeque<Http1Connection> idle = new ArrayDeque<>();
  private final ArrayDeque<UpstreamListener> waiting = new ArrayDeque<>();
  private int connections;
  private boolean closed;
  private boolean sweeping;

  Http1Pool(EventLoop loop, Bootstrap bootstrap, Host host, Settings settings, ClusterStats stats) {
    this.loop = loop;
    this.host = host;
    this.settings = settings;
    this.stats = stats;
    this.bootstrap = bootstrap
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ChannelPipeline p = ch.pipeline();
            p.addLast("codec", new HttpClientCodec(4096, 64 * 1024, 8192, false, false));
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
    if (connections < settings.maxConnections()) {
      connect(listener);
    } else {
      waiting.add(listener);
    }
  }

  private void connect(UpstreamListener listener) {
    connections++;
    ChannelFuture future = bootstrap.connect(host.address());
    future.addListener(f -> {
      if (f.isSuccess()) {
        stats.connectionOpened();
        future.channel().pipeline().get(Http1Connection.class).assign(listener);
      } else {
        connections--;
        stats.connectFailed();
        listener.onUpstreamFailure(f.cause());
        serveWaiting();
      }
    });
  }

  Host host() {
    return host;
  }

  void released(Http1Connection connection) {
    UpstreamListener next = waiting.poll();
    if (next != null) {
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
    idle.remove(connection);
    stats.connectionClosed();
    serveWaiting();
  }

  private void serveWaiting() {
    if (!waiting.isEmpty() && connections < settings.maxConnections() && !closed) {
      connect(waiting.poll());
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
