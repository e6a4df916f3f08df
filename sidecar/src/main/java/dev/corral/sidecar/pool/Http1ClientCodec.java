package dev.corral.sidecar.pool;

import dev.corral.sidecar.wire.WireHead;
import dev.corral.sidecar.wire.WireHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 client codec of an upstream connection: what Netty's {@code HttpClientCodec} does
 * for Corral (each response framed for its request's method: no body after a HEAD, raw bytes after
 * a CONNECT's 200), plus the fast lane. Request headers received as bytes ({@link WireHeaders}) are
 * written as those bytes; a response whose head {@link WireHead} accepts, with a plain
 * Content-Length and its whole body (at most one chunk) already read, is emitted as Netty would
 * emit it, with its headers kept as received. Anything else is Netty's to decode, as before.
 * {@code HttpClientCodec} is final, so its method queue is reproduced here.
 */
final class Http1ClientCodec extends CombinedChannelDuplexHandler<HttpResponseDecoder, HttpRequestEncoder> {
  private static final int MAX_INITIAL_LINE = 4096;
  private static final int MAX_HEADER_SIZE = 64 * 1024;
  private static final int MAX_CHUNK = 8192;
  private static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

  /** The methods of the requests sent and not yet answered, oldest first. */
  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(2);
  /** A CONNECT was answered 200: from now on the bytes are the tunnel's, not HTTP. */
  private boolean done;

  Http1ClientCodec() {
    init(new Decoder(), new Encoder());
  }

  private final class Encoder extends HttpRequestEncoder {
    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
      if (msg instanceof HttpRequest request) {
        methods.offer(request.method());
      }
      super.encode(ctx, msg, out);
    }

    @Override
    protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
      if (headers instanceof WireHeaders wire) {
        wire.encodeTo(buf); // the downstream's lines as received, then what the proxy added
      } else {
        super.encodeHeaders(headers, buf);
      }
    }
  }

  private final class Decoder extends HttpResponseDecoder {
    /** Netty's decoder is between messages: never used, or its last output ended a message. */
    private boolean nettyIdle = true;
    /** A 101 went by: what follows may be another protocol's bytes, Netty's decoder decides. */
    private boolean switched;

    Decoder() {
      super(new HttpDecoderConfig()
          .setMaxInitialLineLength(MAX_INITIAL_LINE)
          .setMaxHeaderSize(MAX_HEADER_SIZE)
          .setMaxChunkSize(MAX_CHUNK)
          .setValidateHeaders(false));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
      if (done) {
        int readable = actualReadableBytes();
        if (readable > 0) {
          out.add(buffer.readBytes(readable));
        }
        return;
      }
      if (nettyIdle && !switched && fastLane(buffer, out)) {
        return;
      }
      nettyIdle = false;
      int before = out.size();
      super.decode(ctx, buffer, out);
      for (int i = before; i < out.size(); i++) {
        if (out.get(i) instanceof HttpResponse response && response.status().code() == 101) {
          switched = true;
        }
      }
      nettyIdle = WireHead.endsMessage(out, before);
    }

    private boolean fastLane(ByteBuf buffer, List<Object> out) {
      WireHead head = WireHead.response(buffer, MAX_INITIAL_LINE, MAX_HEADER_SIZE, false);
      if (head == null || head.unusualFraming()) {
        return false;
      }
      int code = head.status();
      long length = head.contentLength();
      HttpMethod method = methods.peek();
      // 1xx, 204 and 304 have no body; a HEAD's or CONNECT's answer is framed by its request.
      if (code < 200 || code > 599 || code == 204 || code == 304 || length < 0 || length > MAX_CHUNK
          || HttpMethod.HEAD.equals(method) || HttpMethod.CONNECT.equals(method)
          || buffer.readableBytes() - head.length() < length) {
        return false;
      }
      methods.poll();
      buffer.skipBytes(head.length());
      out.add(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code, head.reason()),
          head.headers()));
      out.add(length == 0 ? LastHttpContent.EMPTY_LAST_CONTENT
          : new DefaultLastHttpContent(buffer.readRetainedSlice((int) length), TRAILERS));
      return true;
    }

    /** As {@code HttpClientCodec}'s: the answered request's method decides what has no body. */
    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      HttpResponseStatus status = ((HttpResponse) msg).status();
      if (status.codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(msg); // answers no request of its own
      }
      HttpMethod method = methods.poll();
      if (HttpMethod.HEAD.equals(method)) {
        return true;
      }
      if (HttpMethod.CONNECT.equals(method) && status.code() == 200) {
        done = true; // the tunnel's bytes follow
        methods.clear();
        return true;
      }
      return super.isContentAlwaysEmpty(msg);
    }
  }
}
