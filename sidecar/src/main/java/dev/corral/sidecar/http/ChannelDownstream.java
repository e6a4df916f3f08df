package dev.corral.sidecar.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import dev.corral.sidecar.listener.OriginalDestination;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/** What both downstream handlers (an HTTP/1.1 connection, an HTTP/2 stream) do the same way. */
abstract class ChannelDownstream extends ChannelInboundHandlerAdapter implements Downstream {
  protected ChannelHandlerContext ctx;
  /** The peer's address as text: formatted once per connection (or stream), not per request. */
  private @Nullable String clientIp;
  /**
   * Read once per connection (or stream): it is captured when the connection is accepted, before
   * any downstream handler is added, and never changes. An HTTP/2 stream's is its connection's.
   */
  private @Nullable InetSocketAddress originalDestination;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.originalDestination = OriginalDestination.of(ctx.channel());
  }

  @Override
  public EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) ctx.channel().remoteAddress();
  }

  @Override
  public String clientIp() {
    String ip = clientIp;
    if (ip == null) {
      ip = Downstream.super.clientIp();
      clientIp = ip;
    }
    return ip;
  }

  @Override
  public @Nullable InetSocketAddress originalDestination() {
    return originalDestination;
  }

  @Override
  public void write(HttpObject part) {
    ctx.write(part, ctx.voidPromise());
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
