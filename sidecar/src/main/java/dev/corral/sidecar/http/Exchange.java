package dev.corral.sidecar.http;

import dev.corral.sidecar.cluster.Cluster;
import dev.corral.sidecar.cluster.ClusterWorker;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.PickContext;
import dev.corral.sidecar.pool.UpstreamListener;
import dev.corral.sidecar.pool.UpstreamStream;
import dev.corral.sidecar.route.HashResult;
import dev.corral.sidecar.route.Route;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;

/**
 * One request and its response, relayed between a {@link Downstream} and an upstream stream:
 * route, pick a host, take a pooled connection, then stream both bodies with back-pressure.
 * Everything runs on the downstream's event loop; nothing here blocks or aggregates.
 */
final class Exchange implements UpstreamListener {
  private final Downstream downstream;
  private final ConnectionManager manager;
  private final long startNanos = System.nanoTime();
  private final ArrayDeque<HttpContent> pendingBody = new ArrayDeque<>(2);

  private HttpRequest request;
  private Cluster cluster;
  private Host host;
  private UpstreamStream upstream;
  private String setCookie;
  private ScheduledFuture<?> timeout;
  private long upstreamStartNanos;
  private int status;
  private boolean upgradeRequested;
  private boolean requestComplete;
  private boolean responseStarted;
  private boolean finished;
  /** True while the pool is asked for a stream from inside a downstream read. */
  private boolean acquiring;

  Exchange(Downstream downstream, ConnectionManager manager) {
    this.downstream = downstream;
    this.manager = manager;
  }

  // ---- downstream side ----

  void start(HttpRequest request) {
    this.request = request;
    requestComplete = request instanceof LastHttpContent;
    NettyRequestHead head = NettyRequestHead.of(request, downstream.remoteAddress());
    Route route = manager.routes().match(head);
    if (route == null) {
      reply(HttpResponseStatus.NOT_FOUND, "no route for " + head.authority() + head.path());
      return;
    }
    String clusterName = route.pickCluster(ThreadLocalRandom.current());
    cluster = manager.cluster(clusterName);
    if (cluster == null) {
      reply(HttpResponseStatus.SERVICE_UNAVAILABLE, "unknown cluster " + clusterName);
      return;
    }
    HashResult hash = route.hash(head);
    setCookie = hash.setCookie();
    ClusterWorker worker = cluster.worker(downstream.eventLoop());
    host = worker.pick(hash.present() ? PickContext.ofHash(hash.hash()) : PickContext.none());
    if (host == null) {
      cluster.stats().noHost();
      reply(HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy upstream for cluster " + cluster.name());
      return;
    }
    upgradeRequested = downstream.canUpgrade() && !cluster.http2() && HeaderRules.isUpgrade(request.headers());
    if (head.absoluteForm()) {
      request.setUri(head.path());
      request.headers().set(HttpHeaderNames.HOST, head.authority());
    }
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    HeaderRules.toUpstream(request.headers(),
        downstream.remoteAddress().getAddress().getHostAddress(), upgradeRequested);
    if (!cluster.http2()) {
      HeaderRules.frameForHttp1(request.headers(), !requestComplete);
    }
    Duration limit = route.timeout();
    if (!limit.isZero()) {
      timeout = downstream.eventLoop().schedule(this::onTimeout, limit.toNanos(), TimeUnit.NANOSECONDS);
    }
    host.requestStarted();
    cluster.stats().requestStarted();
    upstreamStartNanos = System.nanoTime();
    acquiring = true;
    worker.pool(host).acquire(this);
    acquiring = false;
  }

  void onRequestContent(HttpContent content) {
    if (content instanceof LastHttpContent) {
      requestComplete = true;
    }
    if (finished) {
      content.release();
    } else if (upstream != null) {
      upstream.write(content);
      if (!upstream.isWritable()) {
        downstream.setReadable(false);
      }
    } else {
      // Still connecting: hold what was already read, and read no more until connected.
      pendingBody.add(content);
      downstream.setReadable(false);
    }
  }

  void onDownstreamReadComplete() {
    if (upstream != null) {
      upstream.flush();
    }
  }

  void onDownstreamWritabilityChanged(boolean writable) {
    if (upstream != null && responseStarted) {
      upstream.setAutoRead(writable);
    }
  }

  /** The client went away: give up the upstream side without a response. */
  void onDownstreamClosed() {
    if (!finished) {
      finish();
      if (upstream != null) {
        upstream.reset();
        upstream = null;
      }
      endUpstreamRequest(-1);
    }
  }

  // ---- upstream side ----

  @Override
  public void onUpstreamReady(UpstreamStream stream) {
    if (finished) {
      stream.release();
      return;
    }
    upstream = stream;
    stream.write(request);
    HttpContent content;
    while ((content = pendingBody.poll()) != null) {
      stream.write(content);
    }
    if (acquiring) {
      return; // a pooled connection, handed over within the downstream read: its read-complete flushes
    }
    stream.flush();
    downstream.setReadable(stream.isWritable());
  }

  @Override
  public void onUpstreamFailure(Throwable cause) {
    if (!finished) {
      endUpstreamRequest(-1);
      reply(HttpResponseStatus.SERVICE_UNAVAILABLE,
          "upstream connect error: " + host.label() + ": " + describe(cause));
    }
  }

  @Override
  public void onResponse(HttpObject part) {
    if (finished) {
      ReferenceCountUtil.release(part);
      return;
    }
    if (part instanceof HttpResponse response) {
      status = response.status().code();
      responseStarted = true;
      if (status == 101 && upgradeRequested) {
        switchProtocols(response);
        return;
      }
      HeaderRules.toDownstream(response.headers(), false);
      if (setCookie != null) {
        response.headers().add(HttpHeaderNames.SET_COOKIE, setCookie);
      }
      downstream.writeHead(response);
      if (response instanceof LastHttpContent) {
        completed();
      }
      return;
    }
    downstream.write(part);
    if (part instanceof LastHttpContent) {
      completed();
    } else if (!downstream.isWritable()) {
      upstream.setAutoRead(false);
    }
  }

  @Override
  public void onResponseReadComplete() {
    if (!finished) {
      downstream.flush();
    }
  }

  @Override
  public void onUpstreamWritabilityChanged(boolean writable) {
    if (!finished && !requestComplete) {
      downstream.setReadable(writable);
    }
  }

  @Override
  public void onUpstreamReset(Throwable cause) {
    if (finished) {
      return;
    }
    upstream = null;
    endUpstreamRequest(-1);
    if (responseStarted) {
      finish();
      downstream.abort();
    } else {
      reply(HttpResponseStatus.BAD_GATEWAY, "upstream reset: " + host.label());
    }
  }

  private void onTimeout() {
    if (finished) {
      return;
    }
    cluster.stats().timedOut();
    if (upstream != null) {
      upstream.reset();
      upstream = null;
    }
    endUpstreamRequest(-1);
    reply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream request timeout");
  }

  // ---- endings ----

  /** The upstream response ended: hand the connection back and let the downstream move on. */
  private void completed() {
    finish();
    endUpstreamRequest(status);
    if (requestComplete) {
      upstream.release();
    } else {
      // Answered before the request body ended (an early error): the connection is mid-request.
      upstream.reset();
    }
    upstream = null;
    downstream.flush();
    downstream.exchangeDone(this, !requestComplete);
  }

  private void switchProtocols(HttpResponse response) {
    finish();
    endUpstreamRequest(status);
    Channel upstreamChannel = upstream.upgrade();
    upstream = null;
    HeaderRules.toDownstream(response.headers(), true);
    downstream.writeHead(response);
    downstream.flush();
    Tunnel.join(downstream.upgrade(), upstreamChannel);
  }

  /** Answers locally (errors); mid-response the only honest answer is to abort. */
  void reply(HttpResponseStatus status, String message) {
    if (responseStarted) {
      finish();
      downstream.abort();
      return;
    }
    this.status = status.code();
    finish();
    ByteBuf body = Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    downstream.writeHead(response);
    downstream.flush();
    downstream.exchangeDone(this, !requestComplete);
  }

  private void finish() {
    finished = true;
    if (timeout != null) {
      timeout.cancel(false);
    }
    HttpContent content;
    while ((content = pendingBody.poll()) != null) {
      content.release();
    }
    if (status != 0) {
      manager.stats().requestDone(status, System.nanoTime() - startNanos);
    }
  }

  /** Books the end of the upstream request: status, or -1 when it ended without a response. */
  private void endUpstreamRequest(int upstreamStatus) {
    if (upstreamStartNanos == 0) {
      return;
    }
    long now = System.nanoTime();
    long elapsed = now - upstreamStartNanos;
    upstreamStartNanos = 0;
    host.requestFinished();
    if (upstreamStatus < 0) {
      cluster.stats().requestReset();
    } else {
      cluster.stats().requestDone(upstreamStatus, elapsed);
      host.latency().observe(elapsed, now);
    }
  }

  int status() {
    return status;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }
}
