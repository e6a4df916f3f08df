package dev.corral.sidecar.admin;

import dev.corral.sidecar.Transport;
import dev.corral.sidecar.cluster.Cluster;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.limits.CircuitBreakers;
import dev.corral.sidecar.cluster.outlier.OutlierDetector;
import dev.corral.sidecar.stats.SidecarMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Envoy-like admin endpoints on their own thread, off the data path: {@code /ready},
 * {@code /stats/prometheus}, {@code /config_dump} and {@code /clusters}.
 */
public final class AdminServer {
  private final SidecarMetrics metrics;
  private final Supplier<Collection<Cluster>> clusters;
  private final Supplier<String> configDump;
  private final BooleanSupplier ready;
  private final boolean probesOnly;
  private Channel channel;

  public AdminServer(SidecarMetrics metrics, Supplier<Collection<Cluster>> clusters,
      Supplier<String> configDump, BooleanSupplier ready) {
    this(metrics, clusters, configDump, ready, false);
  }

  private AdminServer(SidecarMetrics metrics, Supplier<Collection<Cluster>> clusters,
      Supplier<String> configDump, BooleanSupplier ready, boolean probesOnly) {
    this.metrics = metrics;
    this.clusters = clusters;
    this.configDump = configDump;
    this.ready = ready;
    this.probesOnly = probesOnly;
  }

  /**
   * The same server with only {@code /ready} and {@code /stats/prometheus}: what the pod's address
   * exposes (15020) for kubelet probes and Prometheus, while the full admin stays on loopback.
   */
  public AdminServer probesOnly() {
    return new AdminServer(metrics, clusters, configDump, ready, true);
  }

  public InetSocketAddress start(InetSocketAddress address, EventLoopGroup group, Transport transport)
      throws InterruptedException {
    channel = new ServerBootstrap().group(group).channel(transport.serverChannel())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Handler());
          }
        })
        .bind(address).sync().channel();
    return (InetSocketAddress) channel.localAddress();
  }

  public void stop() {
    if (channel != null) {
      channel.close();
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      String path = uri.path();
      if (probesOnly && !path.equals("/ready") && !path.equals("/stats/prometheus")) {
        path = "";
      }
      FullHttpResponse response = switch (path) {
        case "/ready" -> ready.getAsBoolean()
            ? text(HttpResponseStatus.OK, "LIVE\n")
            : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "DRAINING\n");
        case "/stats/prometheus" -> respond(HttpResponseStatus.OK, metrics.scrape(), SidecarMetrics.contentType());
        case "/config_dump" -> respond(HttpResponseStatus.OK,
            configDump.get().getBytes(StandardCharsets.UTF_8), "application/json");
        case "/clusters" -> text(HttpResponseStatus.OK, clustersText());
        default -> text(HttpResponseStatus.NOT_FOUND, probesOnly
            ? "health endpoints: /ready /stats/prometheus\n"
            : "admin endpoints: /ready /stats/prometheus /config_dump /clusters\n");
      };
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      var future = ctx.writeAndFlush(response);
      if (!keepAlive) {
        future.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /**
   * Envoy's /clusters text: per cluster its circuit-breaker load and panic state, then one
   * {@code cluster::host::stat::value} line per host fact.
   */
  private String clustersText() {
    StringBuilder out = new StringBuilder();
    for (Cluster cluster : clusters.get()) {
      String name = cluster.name();
      CircuitBreakers breakers = cluster.breakers();
      out.append(name).append("::rq_active::").append(breakers.activeRequests()).append('\n')
          .append(name).append("::rq_pending::").append(breakers.pendingRequests()).append('\n')
          .append(name).append("::rq_retry_active::").append(breakers.activeRetries()).append('\n')
          .append(name).append("::healthy_panic::").append(cluster.hostSet().panic()).append('\n');
      OutlierDetector outliers = cluster.outlierDetector();
      for (Host host : cluster.hosts()) {
        String prefix = name + "::" + host.label() + "::";
        out.append(prefix).append("cx_active::").append(cluster.activeConnections(host)).append('\n')
            .append(prefix).append("rq_active::").append(host.activeRequests()).append('\n')
            .append(prefix).append("health_flags::").append(host.healthText()).append('\n')
            .append(prefix).append("weight::").append(host.weight()).append('\n')
            .append(prefix).append("zone::").append(host.zone()).append('\n');
        if (outliers != null) {
          out.append(prefix).append("times_ejected::").append(outliers.timesEjected(host)).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    return respond(status, body.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
  }

  private static FullHttpResponse respond(HttpResponseStatus status, byte[] body, String contentType) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }
}
