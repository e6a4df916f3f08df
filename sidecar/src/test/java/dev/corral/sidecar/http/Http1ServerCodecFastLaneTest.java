package dev.corral.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.wire.WireHead;
import dev.corral.sidecar.wire.WireHeaders;
import dev.corral.sidecar.testing.Outbound;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The request fast lane of {@link Http1ServerCodec}: what it emits, Netty's decoder emits too. */
class Http1ServerCodecFastLaneTest {
  private static final String GET_A = "GET /a HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";
  private static final String GET_C = "GET /c?q=1 HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n";

  @Test
  void aBodilessRequestIsEmittedWithItsHeadersAsReceived() {
    List<String> seen = new ArrayList<>();
    List<Object> messages = decode(new Http1ServerCodec(config()), GET_A);

    assertThat(messages).hasSize(2);
    assertThat(messages.get(0)).isInstanceOfSatisfying(HttpRequest.class,
        r -> assertThat(r.headers()).isInstanceOf(WireHeaders.class));
    assertThat(messages.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    messages.forEach(m -> seen.add(describe(m)));
    assertThat(seen).isEqualTo(nettyDecodes(GET_A));
  }

  @Test
  void aPartialRequestAfterACompleteOneIsNettysThenTheFastLaneResumes() {
    EmbeddedChannel channel = new EmbeddedChannel(new Http1ServerCodec(config()));
    List<Object> first = write(channel, GET_A + "GET /b HTTP/1.1\r\nHo");
    List<Object> second = write(channel, "st: x\r\n\r\n" + GET_C);

    assertThat(first).extracting(Http1ServerCodecFastLaneTest::lane).containsExactly("wire", "last");
    assertThat(second).extracting(Http1ServerCodecFastLaneTest::lane).containsExactly("netty", "last", "wire", "last");
    assertThat(describeAll(first, second)).isEqualTo(nettyDecodes(GET_A + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n" + GET_C));
  }

  @Test
  void aRequestWithABodyIsNettysAndTheNextBodilessOneIsFastAgain() {
    String post = "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    List<Object> messages = decode(new Http1ServerCodec(config()), GET_A + post + GET_C);

    assertThat(messages).extracting(Http1ServerCodecFastLaneTest::lane)
        .containsExactly("wire", "last", "netty", "last", "wire", "last");
    assertThat(describeAll(messages)).isEqualTo(nettyDecodes(GET_A + post + GET_C));
  }

  @Test
  void aDeclinedHeadInTheMiddleIsNettysAndTheFastLaneResumes() {
    String folded = "GET /b HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n b\r\n\r\n";
    List<Object> messages = decode(new Http1ServerCodec(config()), GET_A + folded + GET_C);

    assertThat(messages).extracting(Http1ServerCodecFastLaneTest::lane)
        .containsExactly("wire", "last", "netty", "last", "wire", "last");
    assertThat(describeAll(messages)).isEqualTo(nettyDecodes(GET_A + folded + GET_C));
  }

  @Test
  void aContentLengthOfZeroIsFastAndAnHttp10RequestIsNot() {
    String empty = "POST /z HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
    String old = "GET /o HTTP/1.0\r\nHost: x\r\n\r\n";
    List<Object> messages = decode(new Http1ServerCodec(config()), empty + old);

    assertThat(messages).extracting(Http1ServerCodecFastLaneTest::lane).containsExactly("wire", "last", "netty", "last");
    assertThat(describeAll(messages)).isEqualTo(nettyDecodes(empty + old));
  }

  @Test
  void aResponseWithHeadersReceivedAsBytesIsWrittenAsThoseBytesAfterTheRules() {
    EmbeddedChannel channel = new EmbeddedChannel(new Http1ServerCodec(config()));
    write(channel, GET_A).forEach(ReferenceCountUtil::release);
    WireHead head = WireHead.response(Unpooled.copiedBuffer(
        "HTTP/1.1 200 Fine\r\nContent-Length: 2\r\nConnection:  keep-alive\r\nX-A:\t1 \r\n\r\n",
        StandardCharsets.US_ASCII), 4096, 8192, false);
    assertThat(head).isNotNull();
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(head.status(), head.reason()), head.headers());
    HeaderRules.toDownstream(response.headers(), false);
    response.headers().add("set-cookie", "s=1");

    channel.writeOutbound(response, new DefaultLastHttpContent(Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII)));

    assertThat(Outbound.ascii(channel))
        .isEqualTo("HTTP/1.1 200 Fine\r\nContent-Length: 2\r\nX-A:\t1 \r\nset-cookie: s=1\r\n\r\nok");
  }

  /** Every stream, cut at every byte, decodes to what Netty's decoder alone makes of it. */
  static List<String> streams() {
    return List.of(
      GET_A + GET_C,
      "POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + GET_A,
      "POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd" + GET_A,
      "POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n" + GET_A,
      "POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + GET_A,
      GET_A + "GET /s HTTP/1.1\r\nHost : x\r\n\r\n" + GET_C,
      GET_A + "GET /s HTTP/1.1\nHost: x\n\n" + GET_C,
      GET_A + "GET /s HTTP/1.1\r\nHost: x\u0000y\r\n\r\n" + GET_C,
      GET_A + "\r\n" + GET_C,
      "GET /s HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok" + GET_C,
      GET_A + "GET /s HTTP/1.1\r\nHost: x\r\nX-Big: " + "v".repeat(9000) + "\r\n\r\n");
  }

  @ParameterizedTest
  @MethodSource("streams")
  void decodesLikeNettyAtEveryCut(String stream) {
    List<String> expected = nettyDecodes(stream);
    for (int cut = 0; cut <= stream.length(); cut++) {
      EmbeddedChannel channel = new EmbeddedChannel(new Http1ServerCodec(config()));
      List<Object> first = write(channel, stream.substring(0, cut));
      List<Object> second = write(channel, stream.substring(cut));
      channel.finishAndReleaseAll();
      assertThat(describeAll(first, second)).as("cut at %s", cut).isEqualTo(expected);
    }
  }

  private static HttpDecoderConfig config() {
    return new HttpDecoderConfig().setMaxHeaderSize(8192);
  }

  private static List<String> nettyDecodes(String stream) {
    List<Object> messages = decode(new HttpRequestDecoder(config()), stream);
    return describeAll(messages);
  }

  private static List<Object> decode(ChannelHandler decoder, String stream) {
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    List<Object> messages = write(channel, stream);
    channel.finishAndReleaseAll();
    return messages;
  }

  private static List<Object> write(EmbeddedChannel channel, String text) {
    try {
      channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    } catch (DecoderException e) {
      // refusals show in the decoder results compared
    }
    List<Object> messages = new ArrayList<>();
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      messages.add(msg);
    }
    return messages;
  }

  @SafeVarargs
  private static List<String> describeAll(List<Object>... parts) {
    List<String> out = new ArrayList<>();
    for (List<Object> part : parts) {
      for (Object msg : part) {
        out.add(describe(msg));
        ReferenceCountUtil.release(msg);
      }
    }
    // Netty may cut a body into more contents than one: compare the bytes, not the pieces.
    List<String> merged = new ArrayList<>();
    for (String s : out) {
      int last = merged.size() - 1;
      if (last >= 0 && merged.get(last).startsWith("content|true|") && s.startsWith("content|")
          || last >= 0 && merged.get(last).startsWith("content|true|") && s.startsWith("last|")) {
        String kind = s.substring(0, s.indexOf('|'));
        String rest = s.substring(kind.length() + 1);
        String flag = rest.substring(0, rest.indexOf('|'));
        merged.set(last, kind + "|" + flag + "|" + merged.get(last).substring("content|true|".length())
            + rest.substring(flag.length() + 1));
      } else {
        merged.add(s);
      }
    }
    return merged;
  }

  private static String describe(Object msg) {
    StringBuilder sb = new StringBuilder();
    if (msg instanceof HttpRequest r) {
      sb.append(r.getClass().getSimpleName()).append(' ').append(r.method()).append(' ').append(r.uri()).append(' ')
          .append(r.protocolVersion()).append(' ').append(r.decoderResult().isSuccess());
      r.headers().iteratorCharSequence().forEachRemaining(e -> sb.append(" [").append(e.getKey()).append('=')
          .append(e.getValue()).append(']'));
    }
    if (msg instanceof HttpContent c) {
      sb.append(msg instanceof LastHttpContent ? "last|" : "content|").append(c.decoderResult().isSuccess())
          .append('|').append(c.content().toString(StandardCharsets.ISO_8859_1));
    }
    return sb.toString();
  }

  private static String lane(Object msg) {
    if (msg instanceof HttpRequest r) {
      return r.headers() instanceof WireHeaders ? "wire" : "netty";
    }
    return msg instanceof LastHttpContent ? "last" : "content";
  }
}
