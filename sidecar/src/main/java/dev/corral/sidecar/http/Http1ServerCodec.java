package dev.corral.sidecar.http;

import dev.corral.sidecar.wire.WireHead;
import dev.corral.sidecar.wire.WireHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP/1.1 server codec of a downstream connection: Netty's request decoder and response
 * encoder, paired the way Netty's {@code HttpServerCodec} pairs them (each response is framed for
 * its request's method: no body after a HEAD, no Transfer-Encoding on a CONNECT's 2xx; past
 * {@link #MAX_PIPELINE_DEPTH} requests sent ahead, the connection closes after the next response;
 * a request with both Transfer-Encoding and Content-Length the decoder refuses, RFC 9112 §6.1),
 * plus one message of our own: an {@link EncodedResponse}, a whole response already encoded once
 * for many connections (collapsed followers, {@link SharedFetch}), which the encoder passes on as
 * it is and counts as that request's response. {@code HttpServerCodec} is final and pairs
 * responses through a private queue that only its own encoding of a head advances, so bytes
 * written past it would pair every later response with the wrong request. The fast lane
 * (docs/sidecar.md, "HTTP/1.1 fast lane"): bodiless requests in the strict subset {@link WireHead}
 * accepts are emitted with their headers as received, and {@link WireHeaders} go out as those bytes.
 */
final class Http1ServerCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder>
    implements HttpServerUpgradeHandler.SourceCodec {
  /** As Netty's: requests decoded and not yet answered before the connection is refused more. */
  static final int MAX_PIPELINE_DEPTH = 128;

  /** The methods of the requests decoded and not yet answered, oldest first. */
  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
  /** More requests than MAX_PIPELINE_DEPTH were sent ahead: close after the next response. */
  private boolean closeAfterResponse;

  Http1ServerCodec(HttpDecoderConfig config) {
    init(new Decoder(config), new Encoder());
  }

  /** Removes this codec for the protocol the connection upgrades to (h2c). */
  @Override
  public void upgradeFrom(ChannelHandlerContext ctx) {
    ctx.pipeline().remove(this);
  }

  /** False when {@link #MAX_PIPELINE_DEPTH} requests already wait for their answers. */
  private boolean queue(HttpMethod method) {
    if (methods.size() >= MAX_PIPELINE_DEPTH) {
      return false;
    }
    methods.add(method);
    return true;
  }

  /**
   * Netty's request decoder behind a fast lane: between messages, a bodiless HTTP/1.1 request whose
   * head {@link WireHead} accepts is emitted as Netty would emit it (the request, then an empty last
   * content) with its headers kept as received; anything else is Netty's to decode, as before.
   */
  private final class Decoder extends HttpRequestDecoder {
    private final int maxInitialLine;
    private final int maxHeaderSize;
    private boolean discard;
    /** Netty's decoder is between messages: never used, or its last output ended a message. */
    private boolean nettyIdle = true;

    Decoder(HttpDecoderConfig config) {
      super(config);
      maxInitialLine = config.getMaxInitialLineLength();
      maxHeaderSize = config.getMaxHeaderSize();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
      if (discard) {
        buffer.skipBytes(buffer.readableBytes());
        return;
      }
      if (nettyIdle && fastLane(buffer, out)) {
        return; // one request per call, as Netty: ByteToMessageDecoder fires it and calls again
      }
      nettyIdle = false;
      int before = out.size();
      super.decode(ctx, buffer, out);
      nettyIdle = WireHead.endsMessage(out, before);
      for (int i = before; i < out.size(); i++) {
        if (out.get(i) instanceof HttpRequest request && !queue(request.method())) {
          closeAfterResponse = true;
          discard = true;
          for (int j = i; j < out.size(); j++) {
            ReferenceCountUtil.release(out.get(j));
          }
          out.subList(i, out.size()).clear();
          throw pipelineTooDeep();
        }
      }
    }

    private boolean fastLane(ByteBuf buffer, List<Object> out) {
      @SuppressWarnings("deprecation") // the flag Netty's decoder was configured with, for added headers
      WireHead head = WireHead.request(buffer, maxInitialLine, maxHeaderSize, validateHeaders);
      if (head == null || head.unusualFraming() || head.contentLength() > 0) {
        return false;
      }
      HttpMethod method = HttpMethod.valueOf(head.method());
      buffer.skipBytes(head.length());
      if (!queue(method)) {
        closeAfterResponse = true;
        discard = true;
        throw pipelineTooDeep();
      }
      out.add(new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, head.target(), head.headers()));
      out.add(LastHttpContent.EMPTY_LAST_CONTENT);
      return true;
    }
  }

  private static IllegalStateException pipelineTooDeep() {
    return new IllegalStateException("maxPipelineDepth exceeded: " + MAX_PIPELINE_DEPTH);
  }

  private final class Encoder extends HttpResponseEncoder {
    /** The method of the request being answered (null: none known, treated as GET). */
    private @Nullable HttpMethod method;
    /** A head went out whose last content has not: an encoded response may not start now. */
    private boolean inResponse;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
      boolean ends = msg instanceof LastHttpContent || msg instanceof EncodedResponse;
      if (closeAfterResponse && ends) {
        closeAfterResponse = false;
        promise = promise.unvoid().addListener(ChannelFutureListener.CLOSE);
      }
      if (msg instanceof EncodedResponse encoded) {
        if (inResponse || HttpMethod.HEAD.equals(methods.poll())) {
          encoded.release();
          throw new IllegalStateException(inResponse ? "an encoded response inside another response"
              : "an encoded response (with its body) to a HEAD request");
        }
        ctx.write(encoded.content(), promise); // its reference goes with it
        return;
      }
      if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
        inResponse = !ends;
      } else if (msg instanceof LastHttpContent) {
        inResponse = false;
      }
      super.write(ctx, msg, promise);
    }

    @Override
    protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
      if (headers instanceof WireHeaders wire) {
        wire.encodeTo(buf); // the upstream's lines as received, then what the proxy added
      } else {
        super.encodeHeaders(headers, buf);
      }
    }

    @Override
    protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
      if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method) && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
        msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // RFC 9110 §9.3.6: a tunnel, no framing
        return;
      }
      super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(msg); // 100 and 101 answer no request of their own
      }
      method = methods.poll();
      return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
    }
  }
}
