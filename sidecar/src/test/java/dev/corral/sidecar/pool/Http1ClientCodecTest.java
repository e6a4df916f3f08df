package dev.corral.sidecar.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.wire.WireHead;
import dev.corral.sidecar.wire.WireHeaders;
import dev.corral.sidecar.testing.Outbound;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Http1ClientCodec} against Netty's {@code HttpClientCodec} as the pool configured it before. */
class Http1ClientCodecTest {
  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello";

  @Test
  void requestHeadersReceivedAsBytesAreWrittenAsThoseBytes() {
    WireHead head = WireHead.request(ascii("GET /a HTTP/1.1\r\nHost:  svc \r\nConnection: keep-alive\r\n\r\n"),
        4096, 8192, true);
    assertThat(head).isNotNull();
    WireHeaders headers = head.headers();
    headers.remove("connection");
    headers.set("x-forwarded-for", "10.0.0.1");
    EmbeddedChannel channel = new EmbeddedChannel(new Http1ClientCodec());

    channel.writeOutbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a", headers),
        LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(Outbound.ascii(channel)).isEqualTo("GET /a HTTP/1.1\r\nHost:  svc \r\nx-forwarded-for: 10.0.0.1\r\n\r\n");
  }

  @Test
  void aSmallWholeResponseIsEmittedWithItsHeadersAsReceived() {
    EmbeddedChannel channel = new EmbeddedChannel(new Http1ClientCodec());
    send(channel, HttpMethod.GET);

    List<Object> messages = receive(channel, OK + OK);

    assertThat(messages).hasSize(4);
    assertThat(((HttpResponse) messages.get(0)).headers()).isInstanceOf(WireHeaders.class);
    assertThat(((HttpResponse) messages.get(2)).headers()).isInstanceOf(WireHeaders.class);
    messages.forEach(ReferenceCountUtil::release);
  }

  static Stream<Arguments> exchanges() {
    String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    String big = "HTTP/1.1 200 OK\r\nContent-Length: 9000\r\n\r\n" + "b".repeat(9000);
    return Stream.of(
        Arguments.of(List.of(HttpMethod.GET, HttpMethod.GET), OK + OK),
        Arguments.of(List.of(HttpMethod.GET, HttpMethod.GET), OK + chunked),
        Arguments.of(List.of(HttpMethod.GET, HttpMethod.GET), chunked + OK),
        Arguments.of(List.of(HttpMethod.GET, HttpMethod.GET), big + OK),
        Arguments.of(List.of(HttpMethod.HEAD, HttpMethod.GET), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + OK),
        Arguments.of(List.of(HttpMethod.GET, HttpMethod.GET), "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n" + OK),
        Arguments.of(List.of(HttpMethod.GET, HttpMethod.GET), "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n" + OK),
        Arguments.of(List.of(HttpMethod.GET), "HTTP/1.1 100 Continue\r\n\r\n" + OK),
        Arguments.of(List.of(HttpMethod.CONNECT), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nraw bytes, not HTTP"),
        Arguments.of(List.of(HttpMethod.GET, HttpMethod.GET), "HTTP/1.1 200 Fine\r\nContent-Length: 0\r\n\r\n" + OK),
        Arguments.of(List.of(HttpMethod.GET, HttpMethod.GET),
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello" + OK),
        Arguments.of(List.of(HttpMethod.GET, HttpMethod.GET), "HTTP/1.1 200 OK\r\nX-A : 1\r\nContent-Length: 5\r\n\r\nhello" + OK),
        Arguments.of(List.of(HttpMethod.GET, HttpMethod.GET), "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello" + OK),
        Arguments.of(List.of(HttpMethod.GET), "HTTP/1.1 200 OK\r\n\r\nuntil the close"),
        // After a 101 the bytes are the new protocol's, even when they look like a response.
        Arguments.of(List.of(HttpMethod.GET, HttpMethod.GET),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n" + OK));
  }

  /** Every exchange, the responses cut at every byte, decodes to what HttpClientCodec makes of it. */
  @ParameterizedTest
  @MethodSource("exchanges")
  void decodesLikeNettysClientCodecAtEveryCut(List<HttpMethod> requests, String responses) {
    List<String> expected = exchange(() -> new HttpClientCodec(4096, 64 * 1024, 8192, false, false), requests,
        responses, 0);
    for (int cut = 0; cut <= responses.length(); cut++) {
      assertThat(exchange(Http1ClientCodec::new, requests, responses, cut)).as("cut at %s", cut).isEqualTo(expected);
    }
  }

  private static List<String> exchange(Supplier<ChannelHandler> codec, List<HttpMethod> requests, String responses,
      int cut) {
    EmbeddedChannel channel = new EmbeddedChannel(codec.get());
    for (HttpMethod method : requests) {
      send(channel, method);
    }
    List<Object> messages = receive(channel, responses.substring(0, cut));
    messages.addAll(receive(channel, responses.substring(cut)));
    channel.finish();
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      messages.add(msg);
    }
    channel.finishAndReleaseAll();
    return describeAll(messages);
  }

  private static void send(EmbeddedChannel channel, HttpMethod method) {
    channel.writeOutbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/"), LastHttpContent.EMPTY_LAST_CONTENT);
    Outbound.ascii(channel);
  }

  private static List<Object> receive(EmbeddedChannel channel, String text) {
    if (!text.isEmpty()) {
      channel.writeInbound(ascii(text));
    }
    List<Object> messages = new ArrayList<>();
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      messages.add(msg);
    }
    return messages;
  }

  /** One line per message; bodies and raw bytes joined, since how they are cut depends on the reads. */
  private static List<String> describeAll(List<Object> messages) {
    List<String> out = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (Object msg : messages) {
      if (msg instanceof HttpResponse r) {
        StringBuilder sb = new StringBuilder(r.getClass().getSimpleName()).append(' ').append(r.protocolVersion())
            .append(' ').append(r.status().code()).append(" '").append(r.status().reasonPhrase()).append("' ")
            .append(r.decoderResult().isSuccess());
        r.headers().iteratorCharSequence().forEachRemaining(e -> sb.append(" [").append(e.getKey()).append('=')
            .append(e.getValue()).append(']'));
        out.add(sb.toString());
      }
      if (msg instanceof HttpContent c) {
        body.append(c.content().toString(StandardCharsets.ISO_8859_1));
        if (msg instanceof LastHttpContent) {
          out.add("last " + c.decoderResult().isSuccess() + " " + body);
          body.setLength(0);
        }
      } else if (msg instanceof ByteBuf raw) {
        body.append(raw.toString(StandardCharsets.ISO_8859_1));
      }
      ReferenceCountUtil.release(msg);
    }
    if (!body.isEmpty()) {
      out.add("unfinished " + body);
    }
    return out;
  }


  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }
}
