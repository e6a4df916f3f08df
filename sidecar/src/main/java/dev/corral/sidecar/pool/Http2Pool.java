package dev.corral.sidecar.pool;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.limits.CircuitBreakers;
import dev.corral.sidecar.retry.UpstreamFailure;
import dev.corral.sidecar.stats.ClusterStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One multiplexed HTTP/2 connection to a host, opened on first use; each exchange gets a stream.
 * After a GOAWAY or a close, the next request opens a fresh connection.
 */
final class Http2Pool implements ConnectionPool {
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final Host host;
  private final CircuitBreakers breakers;
  private final ClusterStats stats;
  private final ArrayDeque<UpstreamListener> waiting = new ArrayDeque<>();
  private final long connectTimeoutMillis;
  /** The connection new streams go to, once the server's SETTINGS (its stream limit) arrived. */
  private Channel connection;
  /** Connected, waiting for the server's first SETTINGS frame. */
  private Channel handshaking;
  private boolean connecting;
  private int openConnections;

  Http2Pool(EventLoop loop, Bootstrap bootstrap, Host host, Settings settings, CircuitBreakers breakers,
      ClusterStats stats) {
    this.loop = loop;
    this.breakers = breakers;
    this.host = host;
    this.stats = stats;
    this.connectTimeoutMillis = settings.connectTimeout().toMillis();
    this.bootstrap = bootstrap
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            long idleMillis = settings.idleTimeout().toMillis();
            if (idleMillis > 0) {
              ch.pipeline().addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
            }
            ch.pipeline().addLast(
                Http2FrameCodecBuilder.forClient()
                    .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                        .initialWindowSize(1 << 20))
                    // Streams beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS wait for a free
                    // slot instead of failing (a 502 to the client).
                    .encoderEnforceMaxConcurrentStreams(true)
                    .build(),
                new Http2MultiplexHandler(new RefusePushes()),
                new ConnectionWatcher());
          }
        });
  }

  @Override
  public void acquire(UpstreamListener listener) {
    if (connection != null && connection.isActive()) {
      openStream(connection, listener);
      return;
    }
    if (!breakers.tryAddPending()) {
      stats.pendingOverflow();
      listener.onUpstreamFailure(UpstreamFailure.OVERFLOW, "too many requests waiting for a connection");
      return;
    }
    waiting.add(listener);
    if (!connecting) {
      if (!breakers.tryOpenConnection()) {
        stats.connectionOverflow();
        failWaiting(UpstreamFailure.OVERFLOW, "cluster max_connections reached");
        return;
      }
      connect();
    }
  }

  private void connect() {
    connecting = true;
    ChannelFuture future = bootstrap.connect(host.address());
    future.addListener(f -> {
      if (f.isSuccess()) {
        openConnections++;
        stats.connectionOpened();
        // Streams opened before the server's SETTINGS could exceed its SETTINGS_MAX_CONCURRENT_STREAMS
        // and be refused; wait for them (the codec then queues streams beyond the limit).
        Channel channel = future.channel();
        handshaking = channel;
        loop.schedule(() -> {
          if (handshaking == channel) {
            channel.close();
          }
        }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
      } else {
        connecting = false;
        breakers.connectionClosed();
        stats.connectFailed();
        failWaiting(UpstreamFailure.CONNECT_FAILURE, ConnectionPool.describe(f.cause()));
      }
    });
  }

  private void handshakeDone(Channel channel) {
    handshaking = null;
    connecting = false;
    connection = channel;
    UpstreamListener listener;
    while ((listener = waiting.poll()) != null) {
      breakers.pendingDone();
      openStream(channel, listener);
    }
  }

  private void failWaiting(UpstreamFailure failure, String detail) {
    UpstreamListener listener;
    while ((listener = waiting.poll()) != null) {
      breakers.pendingDone();
      listener.onUpstreamFailure(failure, detail);
    }
  }

  private void openStream(Channel parent, UpstreamListener listener) {
    Http2Stream stream = new Http2Stream(host, listener);
    new Http2StreamChannelBootstrap(parent).handler(stream.initializer()).open().addListener(f -> {
      if (f.isSuccess()) {
        stream.ready((Http2StreamChannel) f.getNow());
      } else {
        listener.onUpstreamFailure(UpstreamFailure.REFUSED_STREAM, ConnectionPool.describe(f.cause()));
      }
    });
  }

  @Override
  public int activeConnections() {
    return openConnections;
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
    }
    if (handshaking != null) {
      handshaking.close();
    }
  }

  @Override
  public EventLoop eventLoop() {
    return loop;
  }

  /** Tracks the connection's end and stops using it after a GOAWAY. */
  private final class ConnectionWatcher extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2SettingsFrame && handshaking == ctx.channel()) {
        handshakeDone(ctx.channel());
      } else if (msg instanceof Http2GoAwayFrame && connection == ctx.channel()) {
        connection = null;
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent
          && ctx.pipeline().get(Http2FrameCodec.class).connection().numActiveStreams() == 0) {
        ctx.close();
      }
      ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      openConnections--;
      breakers.connectionClosed();
      stats.connectionClosed();
      if (connection == ctx.channel()) {
        connection = null;
      }
      if (handshaking == ctx.channel()) {
        handshaking = null;
        connecting = false;
        failWaiting(UpstreamFailure.CONNECT_FAILURE, "connection closed before the server's HTTP/2 SETTINGS");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The server may not push: streams it opens are closed at once. */
  private static final class RefusePushes extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.channel().close();
    }
  }
}
