package dev.corral.sidecar.cluster.health;

import dev.corral.sidecar.Transport;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.health.HealthChecker.CheckResult;
import dev.corral.sidecar.cluster.health.HealthCheckConfig.RequestHeader;
import dev.corral.sidecar.cluster.health.HealthCheckConfig.StatusRange;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 check: {@code GET path} with the configured Host and headers, healthy when the
 * status is expected. It decides on the response head. With reuse_connection (Envoy's default)
 * the connection is kept for the next check once a healthy response has ended; any other outcome
 * (unhealthy status, {@code Connection: close}, failure, timeout) closes it, as does a check that
 * starts while the last response is still arriving, so a large or endless body never holds up
 * checks. Without reuse_connection each check opens its own connection ({@code Connection: close}).
 *
 * <p>Confined to the checker's event loop: {@link #probe} and {@link #forget} are called there.
 */
final class HttpProber implements Prober {
  static final String USER_AGENT = "Corral/HC";

  private final Bootstrap bootstrap;
  private final String path;
  private final String authority;
  private final List<RequestHeader> headers;
  private final List<StatusRange> expected;
  private final boolean reuse;
  /** The one connection per host (idle between checks, or in use). */
  private final Map<Host, Channel> connections = new HashMap<>();

  HttpProber(EventLoop loop, Transport transport, HealthCheckConfig config, String authority) {
    this.bootstrap = new Bootstrap()
        .group(loop)
        .channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, Math.max(1, config.timeout().toMillis())));
    this.path = config.path();
    this.authority = authority;
    this.headers = config.requestHeadersToAdd();
    this.expected = config.expectedStatuses();
    this.reuse = config.reuseConnection();
  }

  @Override
  public CompletableFuture<CheckResult> probe(Host host) {
    CompletableFuture<CheckResult> result = new CompletableFuture<>();
    Channel kept = connections.get(host);
    if (kept != null) {
      StatusHandler handler = kept.pipeline().get(StatusHandler.class);
      if (kept.isActive() && handler != null && handler.idle) {
        handler.begin(result);
        send(kept, result);
        return result;
      }
      connections.remove(host);
      kept.close(); // still reading the last answer, or broken: not worth waiting for
    }
    StatusHandler handler = new StatusHandler(host);
    handler.begin(result);
    ChannelFuture connect = bootstrap.clone()
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), handler);
          }
        })
        .connect(host.address());
    Channel channel = connect.channel();
    handler.channel = channel;
    if (reuse) {
      connections.put(host, channel);
    }
    connect.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        result.complete(CheckResult.NETWORK_FAILURE);
        return;
      }
      send(channel, result);
    });
    return result;
  }

  /** The host is no longer checked: its kept connection closes. */
  @Override
  public void forget(Host host) {
    Channel kept = connections.remove(host);
    if (kept != null) {
      kept.close();
    }
  }

  private void send(Channel channel, CompletableFuture<CheckResult> result) {
    channel.writeAndFlush(request()).addListener((ChannelFuture w) -> {
      if (!w.isSuccess()) {
        result.complete(CheckResult.NETWORK_FAILURE);
      }
    });
  }

  FullHttpRequest request() {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    HttpHeaders h = request.headers();
    h.set(HttpHeaderNames.HOST, authority);
    h.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
    if (!reuse) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    for (RequestHeader header : headers) {
      switch (header.action()) {
        case ADD_IF_ABSENT -> {
          if (!h.contains(header.name())) {
            h.add(header.name(), header.value());
          }
        }
        case OVERWRITE_IF_EXISTS_OR_ADD -> h.set(header.name(), header.value());
        case OVERWRITE_IF_EXISTS -> {
          if (h.contains(header.name())) {
            h.set(header.name(), header.value());
          }
        }
        default -> h.add(header.name(), header.value());
      }
    }
    return request;
  }

  private boolean expected(int status) {
    for (StatusRange range : expected) {
      if (range.contains(status)) {
        return true;
      }
    }
    return false;
  }

  /** One connection's checks, one after another. */
  private final class StatusHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final Host host;
    /** Set by {@link #probe} right after connecting, before anything can complete a check. */
    @Nullable Channel channel;
    private CompletableFuture<CheckResult> result = new CompletableFuture<>();
    /** True between checks, once the last response ended and the connection may carry another. */
    boolean idle;
    private boolean keep;

    StatusHandler(Host host) {
      this.host = host;
    }

    void begin(CompletableFuture<CheckResult> check) {
      result = check;
      idle = false;
      keep = reuse;
      // Done for any reason but a healthy answer (failure, the checker's timeout cancelling it): close.
      check.whenComplete((r, e) -> {
        if (e != null || r != CheckResult.HEALTHY) {
          keep = false;
        }
        if (!keep) {
          close();
        }
      });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse response) {
        keep &= HttpUtil.isKeepAlive(response);
        if (!response.decoderResult().isSuccess()) {
          result.complete(CheckResult.NETWORK_FAILURE); // an unreadable answer: as Envoy, a network failure
        } else {
          result.complete(expected(response.status().code()) ? CheckResult.HEALTHY : CheckResult.UNHEALTHY);
        }
      }
      if (msg instanceof LastHttpContent && keep && result.isDone()) {
        idle = true; // the answer is read to its end: the next check may use this connection
      }
    }

    /** Closes this connection and forgets it, unless another connection has replaced it already. */
    private void close() {
      idle = false;
      Channel ch = channel;
      if (ch == null) {
        return;
      }
      connections.remove(host, ch);
      ch.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      idle = false;
      keep = false;
      connections.remove(host, ctx.channel());
      result.complete(CheckResult.NETWORK_FAILURE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.complete(CheckResult.NETWORK_FAILURE);
      ctx.close();
    }
  }
}
