package dev.corral.sidecar.pool;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.retry.UpstreamFailure;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/** A pooled HTTP/1.1 connection: the upstream slot of one exchange at a time. */
final class Http1Connection extends ChannelStream {
  private final Http1Pool pool;
  private UpstreamListener listener;
  private boolean keepAlive;
  private boolean skippingInformational;
  private boolean responseEnded;
  private boolean written;
  private int served;
  private long idleSince;

  Http1Connection(Http1Pool pool) {
    this.pool = pool;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  boolean isActive() {
    return channel.isActive();
  }

  void assign(UpstreamListener listener) {
    this.listener = listener;
    keepAlive = true;
    responseEnded = false;
    written = false;
    served++;
    channel.config().setAutoRead(true);
    listener.onUpstreamReady(this);
  }

  long idleSince() {
    return idleSince;
  }

  void idleSince(long nanos) {
    idleSince = nanos;
  }

  void close() {
    channel.close();
  }

  @Override
  public Host host() {
    return pool.host();
  }

  @Override
  public void write(HttpObject part) {
    written = true;
    super.write(part);
  }

  @Override
  public void release() {
    listener = null;
    int limit = pool.maxRequestsPerConnection();
    boolean spent = limit > 0 && served >= limit;
    if ((!written || (keepAlive && responseEnded && !spent)) && channel.isActive()) {
      pool.released(this);
    } else {
      channel.close();
    }
  }

  @Override
  public void reset() {
    listener = null;
    channel.close();
  }

  @Override
  public Channel upgrade() {
    listener = null;
    pool.closed(this);
    channel.pipeline().remove("connection");
    channel.pipeline().remove("codec");
    return channel;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener current = listener;
    if (current == null || !(msg instanceof HttpObject part)) {
      // A response nobody asked for: the connection's framing can no longer be trusted.
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (part instanceof HttpResponse response) {
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL && response.status().code() != 101) {
        // 100 Continue is answered by the sidecar itself; other 1xx are dropped like Envoy does.
        skippingInformational = true;
        ReferenceCountUtil.release(msg);
        return;
      }
      keepAlive = HttpUtil.isKeepAlive(response);
    } else if (skippingInformational) {
      skippingInformational = !(part instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    if (part instanceof LastHttpContent) {
      responseEnded = true;
    }
    current.onResponse(part);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UpstreamListener current = listener;
    if (current != null) {
      current.onResponseReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener current = listener;
    if (current != null) {
      current.onUpstreamWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamListener current = listener;
    listener = null;
    pool.closed(this);
    if (current != null) {
      current.onUpstreamReset(UpstreamFailure.RESET, "upstream connection closed");
    }
  }

}
