package dev.corral.sidecar.http;

import dev.corral.sidecar.cache.CacheStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.LastHttpContent;
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

    /** As equals, without the record's generic one (method handles; slow until compiled, and this runs per follower). */
    boolean same(Variant other) {
      return follower == other.follower && Objects.equals(cacheStatus, other.cacheStatus);
    }
  }

  private final @Nullable HttpResponse head;
  private final List<HttpContent> parts;
  private final boolean encodable;
  /** The encodings made so far, one per variant asked for (usually one). */
  private @Nullable List<Variant> variants;
  private @Nullable List<ByteBuf> encodings;

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
   * (the follower mark, then {@code Cache-Status}, then {@code connectionEdit}), then Netty's
   * encoder writes it. The caller owns the returned view.
   */
  ByteBuf encoded(Variant variant, Consumer<HttpResponse> connectionEdit) {
    if (!encodable || head == null) {
      throw new IllegalStateException("not a whole response");
    }
    if (variants == null) {
      variants = new ArrayList<>(1);
      encodings = new ArrayList<>(1);
    }
    for (int i = 0; i < variants.size(); i++) {
      if (variants.get(i).same(variant)) {
        return encodings.get(i).retainedDuplicate();
      }
    }
    ByteBuf bytes = encode(variant, connectionEdit);
    variants.add(variant);
    encodings.add(bytes);
    return bytes.retainedDuplicate();
  }

  private ByteBuf encode(Variant variant, Consumer<HttpResponse> connectionEdit) {
    HttpResponse copy = copyOf(head);
    if (variant.follower()) {
      Exchange.markFollower(copy);
    }
    if (variant.cacheStatus() != null) {
      copy.headers().set(CacheStatus.HEADER, variant.cacheStatus());
    }
    connectionEdit.accept(copy);
    EmbeddedChannel encoder = new EmbeddedChannel(new HttpResponseEncoder());
    try {
      encoder.writeOutbound(copy);
      if (!(copy instanceof LastHttpContent)) {
        for (HttpContent part : parts) {
          encoder.writeOutbound(part.retainedDuplicate());
        }
      }
      int size = 0;
      for (Object out : encoder.outboundMessages()) {
        size += ((ByteBuf) out).readableBytes();
      }
      ByteBuf bytes = ByteBufAllocator.DEFAULT.directBuffer(size);
      ByteBuf out;
      while ((out = encoder.readOutbound()) != null) {
        bytes.writeBytes(out);
        out.release();
      }
      return bytes;
    } finally {
      encoder.finishAndReleaseAll();
    }
  }

  /** Gives up the encodings; called once every subscriber of the loop has its view. */
  void releaseEncoded() {
    if (encodings != null) {
      encodings.forEach(ByteBuf::release);
      encodings = null;
      variants = null;
    }
  }

  static HttpResponse copyOf(HttpResponse response) {
    if (response instanceof FullHttpResponse full) {
      return new DefaultFullHttpResponse(full.protocolVersion(), full.status(), full.content().retainedDuplicate(),
          full.headers().copy(), full.trailingHeaders().copy());
    }
    return new DefaultHttpResponse(response.protocolVersion(), response.status(), response.headers().copy());
  }
}
