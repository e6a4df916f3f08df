package dev.corral.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.sidecar.testing.Outbound;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Http1ServerCodecTest {
  private static final String ENCODED =
      "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-corral-collapsed: follower\r\n\r\nok";

  private final EmbeddedChannel channel = new EmbeddedChannel(new Http1ServerCodec(new HttpDecoderConfig()));

  @Test
  void responsesAfterAnEncodedOneAreFramedForTheirOwnRequests() {
    List<HttpRequest> requests = receive("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
        + "HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n"
        + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(requests).extracting(r -> r.method().name()).containsExactly("GET", "HEAD", "GET");

    channel.writeOutbound(encoded(ENCODED));
    channel.writeOutbound(chunkedHead(), LastHttpContent.EMPTY_LAST_CONTENT); // the HEAD's answer: no body
    channel.writeOutbound(chunkedHead(),
        new DefaultHttpContent(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII)),
        LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(Outbound.ascii(channel)).isEqualTo(ENCODED
        + "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
        + "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
  }

  @Test
  void anEncodedResponseToAHeadRequestIsRefused() {
    receive("HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n");
    EncodedResponse response = encoded(ENCODED);

    assertThatThrownBy(() -> channel.writeOutbound(response)).hasMessageContaining("HEAD");
    assertThat(response.refCnt()).isZero();
  }

  @Test
  void anEncodedResponseInsideAnotherResponseIsRefused() {
    receive("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    channel.writeOutbound(chunkedHead());

    assertThatThrownBy(() -> channel.writeOutbound(encoded(ENCODED))).hasMessageContaining("inside another");
  }

  @Test
  void moreRequestsAheadThanThePipelineDepthCloseTheConnectionAfterTheNextResponse() {
    String get = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
    assertThatThrownBy(() -> receive(get.repeat(Http1ServerCodec.MAX_PIPELINE_DEPTH + 1)))
        .hasMessageContaining("maxPipelineDepth");
    assertThat(receive("")).hasSize(Http1ServerCodec.MAX_PIPELINE_DEPTH);

    channel.writeOutbound(encoded(ENCODED));

    assertThat(Outbound.ascii(channel)).isEqualTo(ENCODED);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void theHttp2PrefaceReplacesTheHttp1Handlers() {
    Http1ServerCodec codec = new Http1ServerCodec(new HttpDecoderConfig());
    HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol -> null);
    ChannelHandlerAdapter http2 = new ChannelHandlerAdapter() { };
    EmbeddedChannel h2 = new EmbeddedChannel(new H2cPriorKnowledge(codec, upgrade, http2));
    assertThat(h2.pipeline().get(Http1ServerCodec.class)).isSameAs(codec);

    h2.writeInbound(Http2CodecUtil.connectionPrefaceBuf());

    assertThat(h2.pipeline().get(Http1ServerCodec.class)).isNull();
    assertThat(h2.pipeline().get(HttpServerUpgradeHandler.class)).isNull();
    assertThat(h2.pipeline().get(H2cPriorKnowledge.class)).isNull();
    assertThat(h2.pipeline().last()).isSameAs(http2);
    h2.finishAndReleaseAll();
  }

  @Test
  void http1BytesLeaveTheHttp1HandlersInPlace() {
    Http1ServerCodec codec = new Http1ServerCodec(new HttpDecoderConfig());
    HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol -> null);
    EmbeddedChannel h1 = new EmbeddedChannel(new H2cPriorKnowledge(codec, upgrade, new ChannelHandlerAdapter() { }));

    h1.writeInbound(Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));

    assertThat(h1.pipeline().get(H2cPriorKnowledge.class)).isNull();
    assertThat(h1.pipeline().get(Http1ServerCodec.class)).isSameAs(codec);
    Object request = h1.readInbound();
    assertThat(request).isInstanceOf(HttpRequest.class);
    ReferenceCountUtil.release(request);
    h1.finishAndReleaseAll();
  }

  private List<HttpRequest> receive(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    List<HttpRequest> requests = new ArrayList<>();
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      if (msg instanceof HttpRequest request) {
        requests.add(request);
      }
      ReferenceCountUtil.release(msg);
    }
    return requests;
  }

  private static EncodedResponse encoded(String text) {
    return new EncodedResponse(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  private static HttpResponse chunkedHead() {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    return head;
  }

}
