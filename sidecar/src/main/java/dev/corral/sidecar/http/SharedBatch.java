package dev.corral.sidecar.http;

import dev.corral.sidecar.cache.CacheStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpConstants;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What one fan-out of a {@link SharedFetch} brings the subscribers of one event loop: the response
 * head (when it goes out now) and body parts. A subscriber takes its own copies of them
 * ({@link #headCopy}, {@link #partsCopy}), or, when the batch is the whole response and its
 * downstream can ({@link Downstream#writeEncoded}), the response encoded once for every subscriber
 * of the same {@link Variant}: one buffer, one view of it per connection, instead of a head copy,
 * header edits and an HTTP/1.1 encoding per follower. Used on its event loop only.
 */
final class SharedBatch {
  /**
   * The per-request edits of a shared head, which decide its bytes: the follower mark and the
   * cache filter's {@code Cache-Status} (null: no cache filter). The connection's own edit is that
   * of an HTTP/1.1 keep-alive connection; other connections take the parts instead.
   */
  record Variant(boolean follower, @Nullable String cacheStatus) {
    Variant withCacheStatus(String value) {
      return new Variant(follower, value);
    }

    /** As equals; the record's own goes through method handles, slow until compiled (runs per follower). */
    boolean same(Variant other) {
      return follower == other.follower && Objects.equals(cacheStatus, other.cacheStatus);
    }
  }

  private final @Nullable HttpResponse head;
  private final List<HttpContent> parts;
  private final boolean encodable;
  /** One variant's encoding; null bytes: the response cannot go out so. */
  private record Encoding(Variant variant, @Nullable ByteBuf bytes) {}

  /** The encodings made so far, one per variant asked for (usually one). */
  private @Nullable List<Encoding> encodings;

  /**
   * {@code head}: read-only here (copies are edited); {@code encodable}: the batch is the whole
   * response of a request that may have a body (GET), so that it can go out as one encoding.
   */
  SharedBatch(@Nullable HttpResponse head, List<HttpContent> parts, boolean encodable) {
    this.head = head;
    this.parts = parts;
    this.encodable = encodable;
  }

  /** The head, not to be changed (null when it went out in an earlier batch). */
  @Nullable HttpResponse head() {
    return head;
  }

  /** Whether the batch can go out encoded once: see {@link Downstream#writeEncoded}. */
  boolean encodable() {
    return encodable;
  }

  /** A subscriber's own head: headers are per request (Connection, x-corral-collapsed). */
  @Nullable HttpResponse headCopy() {
    return head == null ? null : copyOf(head);
  }

  /** A subscriber's own views of the body parts. */
  List<HttpContent> partsCopy() {
    List<HttpContent> copy = new ArrayList<>(parts.size());
    for (HttpContent part : parts) {
      copy.add(part.retainedDuplicate());
    }
    return copy;
  }

  /**
   * The whole response as HTTP/1.1 bytes for {@code variant}, encoded the first time it is asked
   * for: the head's copy gets the edits a subscriber's own copy would get, in the same order
   * (the follower mark, then {@code Cache-Status}, then {@code connectionEdit}); then the
   * head is encoded by Netty's encoder code and the body bytes follow it: a Content-Length (or
   * close-delimited) body only, whose bytes are the same on the wire as in memory. The caller
   * owns the returned view; null when the response is not such a one (chunked, no body allowed).
   */
  @Nullable ByteBuf encoded(Variant variant, Consumer<HttpResponse> connectionEdit) {
    if (!encodable || head == null) {
      throw new IllegalStateException("not a whole response");
    }
    if (encodings == null) {
      encodings = new ArrayList<>(1);
    }
    Encoding found = null;
    for (int i = 0; i < encodings.size() && found == null; i++) {
      if (encodings.get(i).variant().same(variant)) {
        found = encodings.get(i);
      }
    }
    if (found == null) {
      found = new Encoding(variant, encode(variant, connectionEdit));
      encodings.add(found);
    }
    return found.bytes() == null ? null : found.bytes().retainedDuplicate();
  }

  /** The encoding for {@code variant}, or null when this response is not one that can be shared so. */
  private @Nullable ByteBuf encode(Variant variant, Consumer<HttpResponse> connectionEdit) {
    HttpResponse copy = copyOf(head);
    try {
      if (variant.follower()) {
        Exchange.markFollower(copy);
      }
      if (variant.cacheStatus() != null) {
        copy.headers().set(CacheStatus.HEADER, variant.cacheStatus());
      }
      connectionEdit.accept(copy);
      int code = copy.status().code();
      if (copy.status().codeClass() == HttpStatusClass.INFORMATIONAL || code == 204 || code == 205 || code == 304
          || HttpUtil.isTransferEncodingChunked(copy)) {
        return null; // the encoder frames these itself (no body, chunks): each connection encodes its own
      }
      List<ByteBuf> body = new ArrayList<>(parts.size() + 1);
      if (copy instanceof FullHttpResponse full) {
        body.add(full.content());
      } else {
        for (HttpContent part : parts) {
          body.add(part.content());
          if (part instanceof LastHttpContent last && !last.trailingHeaders().isEmpty()) {
            return null; // trailers need chunks
          }
        }
      }
      int size = 256;
      for (ByteBuf b : body) {
        size += b.readableBytes();
      }
      ByteBuf bytes = ByteBufAllocator.DEFAULT.directBuffer(size);
      HEAD_ENCODER.encode(copy, bytes);
      for (ByteBuf b : body) {
        bytes.writeBytes(b, b.readerIndex(), b.readableBytes());
      }
      return bytes;
    } finally {
      ReferenceCountUtil.release(copy);
    }
  }

  /** Gives up the encodings; called once every subscriber of the loop has its view. */
  void releaseEncoded() {
    if (encodings != null) {
      encodings.forEach(e -> ReferenceCountUtil.release(e.bytes()));
      encodings = null;
    }
  }

  /** Netty's encoding of a response head (status line, header fields, blank line), shared: it keeps no state. */
  private static final class HeadEncoder extends HttpResponseEncoder {
    void encode(HttpResponse head, ByteBuf out) {
      try {
        encodeInitialLine(out, head);
      } catch (Exception e) {
        throw new IllegalStateException(e); // writes to a buffer: never thrown
      }
      encodeHeaders(head.headers(), out);
      out.writeByte(HttpConstants.CR).writeByte(HttpConstants.LF);
    }
  }

  private static final HeadEncoder HEAD_ENCODER = new HeadEncoder();

  static HttpResponse copyOf(HttpResponse response) {
    if (response instanceof FullHttpResponse full) {
      return new DefaultFullHttpResponse(full.protocolVersion(), full.status(), full.content().retainedDuplicate(),
          full.headers().copy(), full.trailingHeaders().copy());
    }
    return new DefaultHttpResponse(response.protocolVersion(), response.status(), response.headers().copy());
  }
}
