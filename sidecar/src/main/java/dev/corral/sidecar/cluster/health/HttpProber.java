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
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP/1.1 check over a fresh connection: {@code GET path} with the configured Host and
 * headers, healthy when the status is expected. It decides on the response head and closes the
 * connection, so a large body is never read or buffered.
 */
final class HttpProber implements Prober {
  static final String USER_AGENT = "Corral/HC";

  private final Bootstrap bootstrap;
  private final String path;
  private final String authority;
  private final List<RequestHeader> headers;
  private final List<StatusRange> expected;

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
  }

  @Override
  public CompletableFuture<CheckResult> probe(Host host) {
    CompletableFuture<CheckResult> result = new CompletableFuture<>();
    ChannelFuture connect = bootstrap.clone()
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new StatusHandler(result));
          }
        })
        .connect(host.address());
    Channel channel = connect.channel();
    // Done for any reason (answer, failure, the checker's timeout cancelling it): close.
    result.whenComplete((r, e) -> channel.close());
    connect.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        result.complete(CheckResult.NETWORK_FAILURE);
        return;
      }
      channel.writeAndFlush(request()).addListener((ChannelFuture w) -> {
        if (!w.isSuccess()) {
          result.complete(CheckResult.NETWORK_FAILURE);
        }
      });
    });
    return result;
  }

  FullHttpRequest request() {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    HttpHeaders h = request.headers();
    h.set(HttpHeaderNames.HOST, authority);
    h.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
    h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
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

  private final class StatusHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final CompletableFuture<CheckResult> result;

    StatusHandler(CompletableFuture<CheckResult> result) {
      this.result = result;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse response) {
        boolean healthy = response.decoderResult().isSuccess() && expected(response.status().code());
        result.complete(healthy ? CheckResult.HEALTHY : CheckResult.UNHEALTHY);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.complete(CheckResult.NETWORK_FAILURE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.complete(CheckResult.NETWORK_FAILURE);
      ctx.close();
    }
  }
}
