package dev.corral.sidecar.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Relays raw bytes both ways between two connections, after a protocol upgrade (WebSocket) or for a
 * TCP proxy, with back-pressure: a side stops reading while its peer cannot take more. Either side
 * closing closes the other once pending bytes are flushed.
 */
public final class Tunnel extends ChannelInboundHandlerAdapter {
  private final Channel peer;

  private Tunnel(Channel peer) {
    this.peer = peer;
  }

  /** Relays between {@code a} and {@code b} from now on; both must be on one event loop. */
  public static void join(Channel a, Channel b) {
    a.pipeline().addLast(new Tunnel(b));
    b.pipeline().addLast(new Tunnel(a));
    a.config().setAutoRead(true);
    b.config().setAutoRead(true);
    if (!a.isActive() || !b.isActive()) {
      closeOnFlush(a);
      closeOnFlush(b);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ReferenceCountUtil.release(msg); // e.g. the empty last content that followed the 101
      return;
    }
    peer.write(msg, peer.voidPromise());
    if (!peer.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    peer.config().setAutoRead(ctx.channel().isWritable());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeOnFlush(peer);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeOnFlush(ctx.channel());
  }

  private static void closeOnFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
