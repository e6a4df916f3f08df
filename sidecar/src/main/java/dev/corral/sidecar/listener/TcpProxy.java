package dev.corral.sidecar.listener;

import dev.corral.sidecar.cluster.Cluster;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.PickContext;
import dev.corral.sidecar.http.Tunnel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's {@code envoy.filters.network.tcp_proxy}: connects to a host of the chain's cluster (for
 * an ORIGINAL_DST cluster, the connection's original destination) on the connection's own event
 * loop, forwards the bytes already read, then relays both ways ({@link Tunnel}).
 */
final class TcpProxy extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);
  /** Marks a proxied connection: an HTTP drain leaves it alone (it has no request to finish). */
  static final AttributeKey<Boolean> RAW = AttributeKey.valueOf("corral.tcp_proxy");

  private final Cluster cluster;
  private final List<Object> pending = new ArrayList<>(2);
  private boolean closed;

  TcpProxy(Cluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel downstream = ctx.channel();
    downstream.attr(RAW).set(true);
    downstream.config().setAutoRead(false);
    PickContext pick = PickContext.none().withOriginalDestination(OriginalDestination.of(downstream));
    Host host = cluster.worker(downstream.eventLoop()).pick(pick);
    if (host == null) {
      log.debug("tcp_proxy: no host in cluster {} for {}", cluster.name(), downstream);
      cluster.stats().noHost();
      ctx.close();
      return;
    }
    host.requestStarted();
    ChannelFuture connect = cluster.connectRaw(downstream.eventLoop(), host.address());
    connect.channel().closeFuture().addListener(f -> host.requestFinished());
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        cluster.stats().connectFailed();
      } else {
        cluster.stats().connectionOpened();
        connect.channel().closeFuture().addListener(c -> cluster.stats().connectionClosed());
      }
      if (!f.isSuccess() || closed) {
        connect.channel().close();
        release();
        ctx.close();
        return;
      }
      Channel upstream = connect.channel();
      for (Object msg : pending) {
        upstream.write(msg, upstream.voidPromise());
      }
      pending.clear();
      upstream.flush();
      ctx.pipeline().remove(this);
      Tunnel.join(downstream, upstream);
    });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    pending.add(msg); // before the upstream is connected (autoRead is off: only what was sniffed)
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    release();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void release() {
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
  }
}
