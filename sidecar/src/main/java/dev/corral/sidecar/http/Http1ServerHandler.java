package dev.corral.sidecar.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The downstream end of an HTTP/1.1 connection. One exchange at a time; pipelined requests are
 * queued and answered in order (reading pauses when the queue is long). Malformed requests get a
 * 4xx and the connection is closed, since its framing can no longer be trusted.
 */
final class Http1ServerHandler extends ChannelDownstream {
  private static final int MAX_QUEUED = 16;

  private final ConnectionManager manager;
  private final ArrayDeque<HttpObject> queued = new ArrayDeque<>();
  private Exchange current;
  private boolean currentRequestDone;
  private boolean keepAlive;
  private boolean closing;
  private boolean upstreamPaused;
  private boolean dispatching;
  private boolean reading = true;
  private boolean firstRequestSeen;
  private boolean swallowEmptyLast;
  private long idleSinceNanos = System.nanoTime();
  private boolean upgradeHandlerPresent = true;

  Http1ServerHandler(ConnectionManager manager) {
    this.manager = manager;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject part)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (swallowEmptyLast) {
      swallowEmptyLast = false;
      if (part == LastHttpContent.EMPTY_LAST_CONTENT) {
        return; // the end marker of a bodiless request that was already completed
      }
    }
    if (!queued.isEmpty() || (current != null && currentRequestDone)) {
      queued.add(part);
      updateReading();
      return;
    }
    handle(part);
  }

  private void handle(HttpObject part) {
    if (closing) {
      ReferenceCountUtil.release(part);
      return;
    }
    if (part.decoderResult().isFailure()) {
      ReferenceCountUtil.release(part);
      reject(statusFor(part.decoderResult().cause()), part.decoderResult().cause().getMessage());
      return;
    }
    if (part instanceof HttpRequest request && request.protocolVersion().majorVersion() != 1) {
      // Netty accepts any HTTP/x.y token; only 1.0 and 1.1 belong on an HTTP/1 connection.
      ReferenceCountUtil.release(part);
      reject(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, request.protocolVersion().text());
      return;
    }
    if (part instanceof HttpRequest request) {
      firstRequestSeen = true;
      keepAlive = HttpUtil.isKeepAlive(request);
      if (!(request instanceof LastHttpContent) && !request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
          && (!HttpUtil.isContentLengthSet(request) || zeroLength(request))) {
        // Without Content-Length or Transfer-Encoding a request has no body (RFC 9112 §6.3), but the
        // decoder still sends an empty LastHttpContent after it. Complete it now, so the upstream
        // request goes unframed instead of as a chunked GET; that empty part is dropped below.
        // Content-Length: 0 (Java's HttpClient sends it on every GET) is no body either, and a
        // complete request is what collapsing and range coalescing need.
        request = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
            Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
        swallowEmptyLast = true;
      }
      currentRequestDone = request instanceof LastHttpContent;
      current = new Exchange(this, manager);
      current.start(request);
    } else if (part instanceof HttpContent content) {
      if (current == null || currentRequestDone) {
        content.release(); // the rest of a body whose exchange already ended
        return;
      }
      currentRequestDone = part instanceof LastHttpContent;
      current.onRequestContent(content);
    }
  }

  private static HttpResponseStatus statusFor(Throwable cause) {
    return cause instanceof TooLongHttpHeaderException
        ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
        : cause instanceof TooLongHttpLineException
            ? HttpResponseStatus.REQUEST_URI_TOO_LONG
            : HttpResponseStatus.BAD_REQUEST;
  }

  /** Answers a request that cannot be served with {@code status} and closes the connection. */
  private void reject(HttpResponseStatus status, String reason) {
    manager.stats().rejected(status.code());
    if (current != null) {
      // A broken chunk in a body already being forwarded: the upstream must not see a truncated request.
      Exchange exchange = current;
      current = null;
      exchange.onDownstreamClosed();
    }
    closing = true;
    byte[] body = (status.reasonPhrase() + ": " + reason + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    releaseQueued();
  }

  // ---- Downstream ----

  @Override
  public void writeHead(HttpResponse head) {
    if (head.status().code() != 101) {
      if (!keepAlive || manager.draining()) {
        closing = true;
      }
      if (closing) {
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
    }
    frame(head);
    ctx.write(head, ctx.voidPromise());
  }

  /** What every head gets on this protocol, whatever the connection's state. */
  private static void frame(HttpResponse head) {
    head.setProtocolVersion(HttpVersion.HTTP_1_1);
    int code = head.status().code();
    if (code != 101 && !(head instanceof FullHttpResponse)) {
      boolean mayHaveBody = head.status().codeClass() != HttpStatusClass.INFORMATIONAL && code != 204 && code != 304;
      HeaderRules.frameForHttp1(head.headers(), mayHaveBody);
    }
  }

  /**
   * A keep-alive connection that stays open takes a shared response as the encoding of its
   * head as {@link #writeHead} would have written it here (no Connection header, framed).
   */
  @Override
  public boolean writeEncoded(SharedBatch batch, SharedBatch.Variant variant) {
    if (!keepAlive || closing || manager.draining() || batch.head().status().code() == 101) {
      return false;
    }
    ByteBuf bytes = batch.encoded(variant, Http1ServerHandler::frame);
    if (bytes == null) {
      return false;
    }
    ctx.write(new EncodedResponse(bytes), ctx.voidPromise());
    return true;
  }

  @Override
  public void setReadable(boolean readable) {
    upstreamPaused = !readable;
    updateReading();
  }

  @Override
  public void exchangeDone(Exchange exchange, boolean close) {
    if (exchange != current) {
      return;
    }
    current = null;
    upstreamPaused = false;
    idleSinceNanos = System.nanoTime();
    if (close || closing) {
      closing = true;
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      releaseQueued();
      return;
    }
    drainQueue();
  }

  private void drainQueue() {
    if (dispatching) {
      return; // the loop below picks up where this exchange left off
    }
    dispatching = true;
    try {
      HttpObject next;
      while (!closing && (current == null || !currentRequestDone) && (next = queued.poll()) != null) {
        handle(next);
      }
    } finally {
      dispatching = false;
    }
    if (current != null) {
      // Parts replayed from the queue get no channelReadComplete, which is what flushes the upstream.
      current.onDownstreamReadComplete();
    }
    if (current == null || !currentRequestDone) {
      ctx.flush();
    }
    updateReading();
  }

  private void updateReading() {
    boolean read = !closing && !upstreamPaused && queued.size() < MAX_QUEUED;
    if (read != reading) {
      reading = read;
      ctx.channel().config().setAutoRead(read);
    }
  }

  @Override
  public void abort() {
    closing = true;
    ctx.close();
  }

  @Override
  public boolean canUpgrade() {
    return true;
  }

  @Override
  public Channel upgrade() {
    current = null;
    ChannelPipeline p = ctx.pipeline();
    removeIfPresent(p, HttpServerUpgradeHandler.class);
    removeIfPresent(p, H2cPriorKnowledge.class);
    removeIfPresent(p, HttpServerExpectContinueHandler.class);
    Channel channel = ctx.channel();
    p.remove(this);
    removeIfPresent(p, Http1ServerCodec.class); // hands on any bytes the client already sent
    return channel;
  }

  private static void removeIfPresent(ChannelPipeline p, Class<? extends io.netty.channel.ChannelHandler> type) {
    if (p.get(type) != null) {
      p.remove(type);
    }
  }

  // ---- connection events ----

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (current != null) {
      current.onDownstreamReadComplete();
    }
    if (firstRequestSeen && upgradeHandlerPresent) {
      // Clients ask for h2c on their first request; later ones need not pay for the check.
      upgradeHandlerPresent = false;
      removeIfPresent(ctx.pipeline(), HttpServerUpgradeHandler.class);
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.onDownstreamWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent
        || evt == H2cPriorKnowledge.Upgraded.EVENT) {
      // The connection now speaks HTTP/2; its streams have handlers of their own.
      removeIfPresent(ctx.pipeline(), HttpServerExpectContinueHandler.class);
      ctx.pipeline().remove(this);
    }
    ctx.fireUserEventTriggered(evt);
  }

  /** Whether an exchange is in flight (for the idle timeout). */
  boolean busy() {
    return current != null || !queued.isEmpty();
  }

  /** When the last exchange ended. */
  long idleSinceNanos() {
    return idleSinceNanos;
  }

  /** Drain: close now if idle, else after the response in flight. */
  void drain() {
    if (current == null) {
      closing = true;
      ctx.close();
    } else {
      closing = true;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    if (current != null) {
      Exchange exchange = current;
      current = null;
      exchange.onDownstreamClosed();
    }
    releaseQueued();
    ctx.fireChannelInactive();
  }

  private void releaseQueued() {
    HttpObject part;
    while ((part = queued.poll()) != null) {
      ReferenceCountUtil.release(part);
    }
  }


  private static boolean zeroLength(HttpRequest request) {
    return "0".equals(request.headers().get(HttpHeaderNames.CONTENT_LENGTH));
  }
}
