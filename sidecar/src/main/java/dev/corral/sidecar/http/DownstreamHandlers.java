package dev.corral.sidecar.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;

/**
 * The downstream pipeline, as a table of contents: HTTP/1.1 and cleartext HTTP/2 (prior knowledge
 * or {@code Upgrade: h2c}) on one port, each stream or request ending in an {@link Exchange}.
 */
public final class DownstreamHandlers {
  private static final int MAX_INITIAL_LINE = 16 * 1024;
  private static final int MAX_CHUNK = 64 * 1024;
  private static final int MAX_UPGRADE_BODY = 64 * 1024;

  private DownstreamHandlers() {}

  public static void addTo(ChannelPipeline p, ConnectionManager manager) {
    Http1ServerCodec http1 = new Http1ServerCodec(new HttpDecoderConfig()
        .setMaxInitialLineLength(MAX_INITIAL_LINE)
        .setMaxHeaderSize(manager.maxRequestHeaderBytes())
        .setMaxChunkSize(MAX_CHUNK));
    HttpServerUpgradeHandler h2cUpgrade = new HttpServerUpgradeHandler(http1,
        protocol -> AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
            ? new Http2ServerUpgradeCodec(http2Codec(manager), http2Streams(manager))
            : null,
        MAX_UPGRADE_BODY);
    ChannelInitializer<Channel> priorKnowledge = new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        String self = ch.pipeline().context(this).name();
        ch.pipeline().addAfter(self, "h2-codec", http2Codec(manager))
            .addAfter("h2-codec", "h2-streams", http2Streams(manager));
      }
    };
    IdleTimeout.watch(p.channel(), manager.idleTimeout());
    p.addLast(new H2cPriorKnowledge(http1, h2cUpgrade, priorKnowledge));
    p.addLast(new HttpServerExpectContinueHandler());
    p.addLast(new Http1ServerHandler(manager));
  }

  private static Http2FrameCodec http2Codec(ConnectionManager manager) {
    return Http2FrameCodecBuilder.forServer()
        .initialSettings(Http2Settings.defaultSettings()
            .maxHeaderListSize(manager.maxRequestHeaderBytes())
            .maxConcurrentStreams(1024)
            .initialWindowSize(1 << 20))
        .build();
  }

  private static Http2MultiplexHandler http2Streams(ConnectionManager manager) {
    ChannelInitializer<Channel> stream = new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true, false),
            new Http2StreamServerHandler(manager));
      }
    };
    return new Http2MultiplexHandler(stream, stream);
  }

  /** Drain one connection: HTTP/1.1 closes after its response in flight; HTTP/2 sends GOAWAY. */
  public static void drain(Channel connection) {
    Http1ServerHandler http1 = connection.pipeline().get(Http1ServerHandler.class);
    if (http1 != null) {
      http1.drain();
    } else {
      // Http2ConnectionHandler.close is graceful: GOAWAY, then close once open streams end.
      connection.close();
    }
  }
}
