package dev.corral.controlplane.http;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's HTTP/1.1 API (port 15014): a table of exact-path routes. {@code /healthz}
 * and the {@code /api/v1/stats} hook are always registered; callers add or replace the rest.
 */
public final class ApiServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 15014;
  public static final String HEALTHZ = "/healthz";
  public static final String METRICS = "/metrics";
  public static final String XDS = "/api/v1/xds";
  public static final String STATS = "/api/v1/stats";
  public static final String POLICIES = "/api/v1/policies";
  public static final String PROBLEMS = "/api/v1/problems";
  public static final String INFO = "/api/v1/info";

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private record RouteKey(String method, String path) {}

  private final Map<RouteKey, ApiHandler> routes;
  private final @Nullable String host;
  private final int requestedPort;
  private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ExecutorService handlers = Executors.newFixedThreadPool(2, daemonThreads());
  private @Nullable Channel channel;

  private ApiServer(Builder b) {
    this.routes = Map.copyOf(b.routes);
    this.host = b.host;
    this.requestedPort = b.port;
  }

  public static Builder builder() {
    return new Builder();
  }

  public ApiServer start() throws InterruptedException {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loops)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            addHttpHandlers(ch.pipeline());
            addApiHandlers(ch.pipeline());
          }
        });
    InetSocketAddress address = host == null
        ? new InetSocketAddress(requestedPort) : new InetSocketAddress(host, requestedPort);
    channel = bootstrap.bind(address).sync().channel();
    return this;
  }

  private static void addHttpHandlers(ChannelPipeline p) {
    p.addLast("http", new HttpServerCodec());
    p.addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES));
  }

  private void addApiHandlers(ChannelPipeline p) {
    p.addLast("api", new RouteHandler());
  }

  /** The bound port: the configured one, or the one chosen for port 0. */
  public int port() {
    if (channel == null) {
      throw new IllegalStateException("not started");
    }
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    handlers.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "corral-api-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private ApiResponse dispatch(String method, String uri) {
    QueryStringDecoder decoded = new QueryStringDecoder(uri);
    String path = decoded.path();
    ApiHandler handler = routes.get(new RouteKey(method, path));
    if (handler == null) {
      boolean otherMethod = routes.keySet().stream().anyMatch(k -> k.path.equals(path));
      return otherMethod
          ? ApiResponse.text(405, "method not allowed: " + method + " " + path + "\n")
          : ApiResponse.text(404, "not found: " + path + "\n");
    }
    try {
      return handler.handle(new ApiRequest(method, path, decoded.parameters()));
    } catch (Exception e) {
      log.warn("{} {} failed", method, path, e);
      return ApiResponse.text(500, "internal error: " + e.getMessage() + "\n");
    }
  }

  /**
   * Runs handlers off the event loop (they may serialize large documents), one request of a
   * connection at a time so pipelined requests are answered in order.
   */
  private final class RouteHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean valid = request.decoderResult().isSuccess();
      boolean head = request.method().equals(HttpMethod.HEAD);
      String method = head ? "GET" : request.method().name();
      String uri = request.uri();
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      boolean http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
      tail = tail.thenRunAsync(() -> {
        ApiResponse answer = valid ? dispatch(method, uri) : ApiResponse.text(400, "bad request\n");
        write(ctx, answer, head, keepAlive, http10);
      }, handlers).exceptionally(e -> {
        log.warn("API request {} {} failed", method, uri, e);
        ctx.close();
        return null;
      });
    }

    private void write(ChannelHandlerContext ctx, ApiResponse answer, boolean head,
        boolean keepAlive, boolean http10) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(answer.status()),
          head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body()));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
      if (keepAlive) {
        if (http10) {
          response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ctx.writeAndFlush(response);
      } else {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("API connection failed", cause);
      ctx.close();
    }
  }

  /** Builds an {@link ApiServer}. */
  public static final class Builder {
    private final Map<RouteKey, ApiHandler> routes = new LinkedHashMap<>();
    private @Nullable String host;
    private int port = DEFAULT_PORT;

    private Builder() {
      get(HEALTHZ, request -> ApiResponse.text(200, "ok\n"));
      get(STATS, ApiRoutes.emptyStats());
    }

    /** The address to bind; all addresses by default. */
    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /** 0 picks a free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: %s (expected: 0..65535)".formatted(port));
      }
      this.port = port;
      return this;
    }

    /** Adds or replaces the handler of {@code method path}. */
    public Builder route(String method, String path, ApiHandler handler) {
      requireNonNull(method, "method");
      requireNonNull(path, "path");
      requireNonNull(handler, "handler");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path: %s (expected: starts with /)".formatted(path));
      }
      routes.put(new RouteKey(method, path), handler);
      return this;
    }

    public Builder get(String path, ApiHandler handler) {
      return route("GET", path, handler);
    }

    public ApiServer build() {
      return new ApiServer(this);
    }
  }
}
