package dev.corral.sidecar.http;

import dev.corral.sidecar.cache.CacheStatus;
import dev.corral.sidecar.cache.CachedResponse;
import dev.corral.sidecar.cache.Freshness;
import dev.corral.sidecar.cache.HttpFields;
import dev.corral.sidecar.cache.Revalidation;
import dev.corral.sidecar.route.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.ByteBuffer;
import java.util.List;

/** Turns stored responses into Netty responses and back: the cache core never sees Netty. */
final class CachedResponses {
  private CachedResponses() {}

  /**
   * The response for {@code request} from {@code stored}: a 304 when the client's own conditions
   * hold, no body for HEAD, and {@code Age} and {@code Cache-Status} set.
   */
  static FullHttpResponse render(CachedResponse stored, RequestHead request, CacheStatus status, long nowMillis) {
    return render(stored, request, status, nowMillis, true);
  }

  /** {@code clientConditions}: false when the conditional fields on the request are the cache's own. */
  static FullHttpResponse render(CachedResponse stored, RequestHead request, CacheStatus status, long nowMillis,
      boolean clientConditions) {
    boolean notModified = clientConditions && Revalidation.clientNotModified(request, stored);
    boolean bodiless = notModified || "HEAD".equals(request.method());
    ByteBuf body = bodiless ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(stored.body().chunks().toArray(ByteBuffer[]::new));
    HttpHeaders headers = new DefaultHttpHeaders();
    stored.headers().forEach(headers::add);
    headers.set(HttpHeaderNames.AGE, Long.toString(Freshness.currentAgeSeconds(stored, nowMillis)));
    headers.set(CacheStatus.HEADER, status.appendTo(headers.get(CacheStatus.HEADER)));
    if (notModified) {
      headers.remove(HttpHeaderNames.CONTENT_LENGTH);
      headers.remove(HttpHeaderNames.CONTENT_TYPE);
    }
    HttpResponseStatus code = notModified ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.valueOf(stored.status());
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, code, body, headers, new DefaultHttpHeaders());
  }

  /** A Netty header block as cache fields, without what is per hop or per request here. */
  static HttpFields fields(HttpHeaders headers) {
    HttpFields.Builder b = HttpFields.builder();
    for (var e : headers) {
      String name = e.getKey();
      if (!name.equalsIgnoreCase(Exchange.X_CORRAL_COLLAPSED.toString())) {
        b.add(name, e.getValue());
      }
    }
    return b.build();
  }

  static ByteBuffer copy(ByteBuf buf) {
    ByteBuffer out = ByteBuffer.allocate(buf.readableBytes());
    buf.getBytes(buf.readerIndex(), out);
    out.flip();
    return out;
  }

  static long length(List<ByteBuffer> parts) {
    long n = 0;
    for (ByteBuffer b : parts) {
      n += b.remaining();
    }
    return n;
  }
}
