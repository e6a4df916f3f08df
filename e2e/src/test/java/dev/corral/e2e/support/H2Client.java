package dev.corral.e2e.support;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A small HTTP/2 client speaking cleartext HTTP/2 with prior knowledge over one connection; each
 * {@link #send} opens a stream, so concurrent sends are multiplexed.
 */
public final class H2Client implements AutoCloseable {
  private static final int MAX_BODY = 32 * 1024 * 1024;

  private final EventLoopGroup group;
  private final Channel connection;
  private final String authority;

  /** A whole response: status, headers, body and trailers. */
  public record Response(int status, HttpHeaders headers, byte[] body, HttpHeaders trailers) {
    public String bodyText() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private H2Client(EventLoopGroup group, Channel connection, String authority) {
    this.group = group;
    this.connection = connection;
    this.authority = authority;
  }

  /** Connects to {@code 127.0.0.1:port}; requests carry {@code :authority} {@code authority}. */
  public static H2Client connect(int port, String authority) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(
                  Http2FrameCodecBuilder.forClient()
                      .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                          .initialWindowSize(1 << 20))
                      .build(),
                  new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
            }
          })
          .connect("127.0.0.1", port).sync().channel();
      return new H2Client(group, channel, authority);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully();
      throw new IllegalStateException(e);
    } catch (RuntimeException e) {
      group.shutdownGracefully();
      throw e;
    }
  }

  public CompletableFuture<Response> get(String path) {
    return send(HttpMethod.GET, path, new byte[0], Map.of());
  }

  /** Sends one request on a new stream of the shared connection. */
  public CompletableFuture<Response> send(HttpMethod method, String path, byte[] body, Map<String, String> headers) {
    CompletableFuture<Response> result = new CompletableFuture<>();
    new Http2StreamChannelBootstrap(connection).handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new HttpObjectAggregator(MAX_BODY),
            new SimpleChannelInboundHandler<FullHttpResponse>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                result.complete(new Response(response.status().code(), response.headers().copy(),
                    ByteBufUtil.getBytes(response.content()), response.trailingHeaders().copy()));
                ctx.close();
              }

              @Override
              public void channelInactive(ChannelHandlerContext ctx) {
                result.completeExceptionally(new IOException("stream closed before a whole response: " + path));
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                result.completeExceptionally(cause);
                ctx.close();
              }
            });
      }
    }).open().addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(f.cause());
        return;
      }
      Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
      FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path,
          Unpooled.wrappedBuffer(body));
      request.headers().set(HttpHeaderNames.HOST, authority);
      headers.forEach(request.headers()::set);
      if (body.length > 0) {
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      }
      stream.writeAndFlush(request).addListener(w -> {
        if (!w.isSuccess()) {
          result.completeExceptionally(w.cause());
        }
      });
    });
    return result;
  }

  @Override
  public void close() {
    connection.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
