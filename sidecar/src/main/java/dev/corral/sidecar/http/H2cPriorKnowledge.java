package dev.corral.sidecar.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * Cleartext HTTP/2 on the HTTP/1.1 port: the connection's first bytes decide. The HTTP/2 preface
 * (prior knowledge) replaces the HTTP/1.1 handlers with {@code http2}; anything else leaves them
 * (with {@code Upgrade: h2c} still possible on the first request) and removes this handler. What
 * Netty's {@code CleartextHttp2ServerUpgradeHandler} does, for our {@link Http1ServerCodec}: Netty's
 * takes only its own (final) {@code HttpServerCodec}.
 */
final class H2cPriorKnowledge extends ByteToMessageDecoder {
  /** Fired once the connection speaks HTTP/2 by prior knowledge. */
  enum Upgraded { EVENT }

  private static final ByteBuf PREFACE =
      Unpooled.unreleasableBuffer(Http2CodecUtil.connectionPrefaceBuf()).asReadOnly();

  private final Http1ServerCodec codec;
  private final HttpServerUpgradeHandler upgrade;
  private final ChannelHandler http2;

  H2cPriorKnowledge(Http1ServerCodec codec, HttpServerUpgradeHandler upgrade, ChannelHandler http2) {
    this.codec = codec;
    this.upgrade = upgrade;
    this.http2 = http2;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.pipeline().addAfter(ctx.name(), null, upgrade).addAfter(ctx.name(), null, codec);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int prefaceLength = PREFACE.readableBytes();
    int seen = Math.min(in.readableBytes(), prefaceLength);
    if (!ByteBufUtil.equals(PREFACE, PREFACE.readerIndex(), in, in.readerIndex(), seen)) {
      ctx.pipeline().remove(this); // HTTP/1.1: what was read goes on to the codec
    } else if (seen == prefaceLength) {
      ctx.pipeline().remove(codec).remove(upgrade);
      ctx.pipeline().addAfter(ctx.name(), null, http2);
      ctx.pipeline().remove(this);
      ctx.fireUserEventTriggered(Upgraded.EVENT);
    }
  }
}
