package dev.corral.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.testing.Outbound;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedBatchTest {
  private static final SharedBatch.Variant FOLLOWER = new SharedBatch.Variant(true, "corral; fwd=uri-miss");
  private static final Consumer<HttpResponse> KEEP_ALIVE =
      head -> head.setProtocolVersion(HttpVersion.HTTP_1_1);

  private final HttpContent first = new DefaultHttpContent(Unpooled.copiedBuffer("hel", StandardCharsets.US_ASCII));
  private final DefaultLastHttpContent last =
      new DefaultLastHttpContent(Unpooled.copiedBuffer("lo", StandardCharsets.US_ASCII));

  @AfterEach
  void release() {
    first.release();
    last.release();
  }

  @Test
  void encodingIsWhatTheEncoderWritesForAFollowersOwnCopy() {
    HttpResponse head = head(HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_LENGTH, 5);
    SharedBatch batch = new SharedBatch(head, List.of(first, last), true);

    ByteBuf shared = batch.encoded(FOLLOWER, KEEP_ALIVE);
    ByteBuf again = batch.encoded(FOLLOWER, KEEP_ALIVE);

    // A follower's own path: its copy, the same edits, Netty's encoder.
    HttpResponse own = batch.headCopy();
    Exchange.markFollower(own);
    own.headers().set("cache-status", FOLLOWER.cacheStatus());
    KEEP_ALIVE.accept(own);
    EmbeddedChannel encoder = new EmbeddedChannel(new HttpResponseEncoder());
    encoder.writeOutbound(own);
    batch.partsCopy().forEach(encoder::writeOutbound);

    String expected = Outbound.ascii(encoder);
    assertThat(expected).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello")
        .contains("x-corral-collapsed: follower\r\n", "cache-status: corral; fwd=uri-miss\r\n");
    assertThat(shared.toString(StandardCharsets.US_ASCII)).isEqualTo(expected);
    assertThat(again.toString(StandardCharsets.US_ASCII)).isEqualTo(expected);
    shared.release();
    again.release();
    batch.releaseEncoded();
    assertThat(shared.refCnt()).isZero();
  }

  @Test
  void chunkedAndBodilessResponsesAreNotShared() {
    HttpResponse chunked = head(HttpResponseStatus.OK);
    chunked.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    HttpResponse notModified = head(HttpResponseStatus.NOT_MODIFIED);

    assertThat(new SharedBatch(chunked, List.of(first, last), true).encoded(FOLLOWER, KEEP_ALIVE)).isNull();
    assertThat(new SharedBatch(notModified, List.of(), true).encoded(FOLLOWER, KEEP_ALIVE)).isNull();
  }

  @Test
  void trailersAreNotShared() {
    HttpResponse head = head(HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_LENGTH, 5);
    last.trailingHeaders().set("x-checksum", "1");

    assertThat(new SharedBatch(head, List.of(first, last), true).encoded(FOLLOWER, KEEP_ALIVE)).isNull();
  }

  private static HttpResponse head(HttpResponseStatus status) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
        .set(HttpHeaderNames.DATE, "Sun, 22 Nov 2026 08:00:00 GMT");
    return head;
  }
}
