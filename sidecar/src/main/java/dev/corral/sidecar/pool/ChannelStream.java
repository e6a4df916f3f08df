package dev.corral.sidecar.pool;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;

/** What both upstream slots (an HTTP/1.1 connection, an HTTP/2 stream) do the same way. */
abstract class ChannelStream extends ChannelInboundHandlerAdapter implements UpstreamStream {
  /** The connection or stream channel; set once it exists. */
  protected Channel channel;

  @Override
  public void write(HttpObject part) {
    channel.write(part, channel.voidPromise());
  }

  @Override
  public void flush() {
    channel.flush();
  }

  @Override
  public boolean isWritable() {
    return channel.isWritable();
  }

  @Override
  public void setAutoRead(boolean autoRead) {
    channel.config().setAutoRead(autoRead);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
