package dev.corral.sidecar.pool;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.retry.UpstreamFailure;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;

/** One HTTP/2 stream to an upstream, carrying one exchange as HTTP objects. */
final class Http2Stream extends ChannelStream {
  private final Host host;
  private UpstreamListener listener;
  private boolean refused;

  Http2Stream(Host host, UpstreamListener listener) {
    this.host = host;
    this.listener = listener;
  }

  ChannelHandler initializer() {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false, false), Http2Stream.this);
      }
    };
  }

  void ready(Http2StreamChannel channel) {
    this.channel = channel;
    listener.onUpstreamReady(this);
  }

  @Override
  public Host host() {
    return host;
  }

  @Override
  public void release() {
    listener = null;
  }

  @Override
  public void reset() {
    listener = null;
    if (channel.isActive()) {
      channel.close();
    }
  }

  @Override
  public Channel upgrade() {
    throw new UnsupportedOperationException("HTTP/1.1 upgrades cannot be carried on an HTTP/2 stream");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener current = listener;
    if (current == null || !(msg instanceof HttpObject part)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (part instanceof HttpResponse response
        && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (part instanceof LastHttpContent) {
      listener = null;
    }
    current.onResponse(part);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onResponseReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onUpstreamWritabilityChanged(ctx.channel().isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamListener current = listener;
    listener = null;
    if (current != null) {
      current.onUpstreamReset(refused ? UpstreamFailure.REFUSED_STREAM : UpstreamFailure.RESET,
          refused ? "upstream refused the stream" : "upstream stream reset");
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2ResetFrame reset && reset.errorCode() == Http2Error.REFUSED_STREAM.code()) {
      refused = true; // the server did not process it: safe to retry even a POST
    }
    ReferenceCountUtil.release(evt);
  }

}
