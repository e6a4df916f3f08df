package dev.corral.sidecar.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/** The downstream end of one HTTP/2 stream (one exchange), seen as HTTP objects. */
final class Http2StreamServerHandler extends ChannelDownstream {
  private final ConnectionManager manager;
  private Exchange exchange;

  Http2StreamServerHandler(ConnectionManager manager) {
    this.manager = manager;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request && exchange == null) {
      exchange = new Exchange(this, manager);
      exchange.start(request);
    } else if (msg instanceof HttpContent content && exchange != null) {
      exchange.onRequestContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) ((Http2StreamChannel) ctx.channel()).parent().remoteAddress();
  }

  @Override
  public void writeHead(HttpResponse head) {
    ctx.write(head, ctx.voidPromise());
  }

  @Override
  public void setReadable(boolean readable) {
    ctx.channel().config().setAutoRead(readable);
  }

  @Override
  public void exchangeDone(Exchange exchange, boolean close) {
    if (close) {
      // The response ended before the request did: reset our side of the stream.
      ctx.close();
    }
  }

  @Override
  public void abort() {
    ctx.close();
  }

  @Override
  public boolean canUpgrade() {
    return false;
  }

  @Override
  public Channel upgrade() {
    throw new UnsupportedOperationException("no HTTP/1.1 upgrade on an HTTP/2 stream");
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.onDownstreamReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.onDownstreamWritabilityChanged(ctx.channel().isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.onDownstreamClosed();
    }
  }

}
