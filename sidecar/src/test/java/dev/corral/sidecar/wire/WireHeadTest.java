package dev.corral.sidecar.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireHeadTest {
  private static final int MAX_LINE = 4096;
  private static final int MAX_HEADERS = 8192;

  @Test
  void acceptsAPlainRequestAndReadsNothing() {
    ByteBuf in = bytes("GET /a?b=c HTTP/1.1\r\nHost: x\r\nAccept:\t*/* \r\n\r\nGET /next");

    WireHead head = request(in);

    assertThat(head).isNotNull();
    assertThat(head.method()).isEqualTo("GET");
    assertThat(head.target()).isEqualTo("/a?b=c");
    assertThat(head.length()).isEqualTo(in.readableBytes() - "GET /next".length());
    assertThat(head.headers().get("accept")).isEqualTo("*/*");
    assertThat(head.headers().get("HOST")).isEqualTo("x");
    assertThat(head.contentLength()).isEqualTo(-1);
    assertThat(head.unusualFraming()).isFalse();
    assertThat(in.readerIndex()).isZero();
  }

  @Test
  void acceptsAResponseWithItsReasonAndLength() {
    WireHead head = WireHead.response(bytes("HTTP/1.1 404 Not Here\r\nContent-Length: 12\r\n\r\n"),
        MAX_LINE, MAX_HEADERS, false);

    assertThat(head).isNotNull();
    assertThat(head.status()).isEqualTo(404);
    assertThat(head.reason()).isEqualTo("Not Here");
    assertThat(head.contentLength()).isEqualTo(12);
    assertThat(head.unusualFraming()).isFalse();
  }

  @Test
  void acceptsAResponseWithAnEmptyReason() {
    WireHead head = WireHead.response(bytes("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"), MAX_LINE, MAX_HEADERS, false);

    assertThat(head).isNotNull();
    assertThat(head.reason()).isEmpty();
  }

  @Test
  void declinesAnIncompleteHead() {
    assertThat(request(bytes("GET / HTTP/1.1\r\nHost: x\r\n"))).isNull();
    assertThat(request(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r"))).isNull();
  }

  @Test
  void declinesHeadsBeyondTheLimits() {
    String longTarget = "GET /" + "a".repeat(MAX_LINE) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    String manyHeaders = "GET / HTTP/1.1\r\n" + "x-a: 0123456789\r\n".repeat(MAX_HEADERS / 10) + "\r\n";
    assertThat(request(bytes(longTarget))).isNull();
    assertThat(request(bytes(manyHeaders))).isNull();
    assertThat(request(bytes("GET / HTTP/1.1\r\n" + "x-a: 0123456789\r\n".repeat(10) + "\r\n"))).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "GET / HTTP/1.0\r\nHost: x\r\n\r\n", // only HTTP/1.1
      "GET / HTTP/1.1\nHost: x\r\n\r\n", // bare LF ending the request line
      "GET / HTTP/1.1\r\nHost: x\n\r\n", // bare LF ending a field
      "GET / HTTP/1.1\r\nHost: x\r\n\n", // bare LF ending the head
      "GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n", // bare CR in a value
      "GET / HTTP/1.1\r\nHost : x\r\n\r\n", // space before the colon
      "GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", // tab before the colon
      "GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n", // obs-fold
      "GET / HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n", // NUL
      "GET / HTTP/1.1\r\nX-A: caf\u00e9\r\n\r\n", // obs-text
      "GET / HTTP/1.1\r\nX\u00e9: a\r\n\r\n", // non-ASCII name
      "GET /\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n", // non-ASCII target
      "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", // two spaces
      "get / HTTP/1.1\r\nHost: x\r\n\r\n", // lower-case method
      "VERYLONGMETHODNAMES / HTTP/1.1\r\nHost: x\r\n\r\n", // method over 16 letters
      "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", // leading empty line (Netty skips it)
      "GET / HTTP/1.1\r\n: x\r\n\r\n", // empty name
      "GET / HTTP/1.1\r\nHost x\r\n\r\n", // no colon
      "GET / HTTP/1.1\r\nX(A): x\r\n\r\n", // a separator in the name
  })
  void declinesWhatIsOutsideTheStrictSubset(String head) {
    assertThat(request(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", // CL + TE
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", // differing CLs
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", // repeated CL
      "POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\n", // CL list
      "POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n", // CL not digits
      "POST / HTTP/1.1\r\nContent-Length: 1234567890123456789\r\n\r\n", // CL too long to be ours
      "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", // TE not chunked
      "POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n", // TE in any case
      "POST / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
      "GET / HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n",
      "GET / HTTP/1.1\r\nSec-WebSocket-Key1: 1\r\nSec-WebSocket-Key2: 2\r\n\r\n",
  })
  void marksFramingThatIsNettysToDecode(String head) {
    WireHead parsed = request(bytes(head));

    assertThat(parsed).isNotNull();
    assertThat(parsed.unusualFraming()).isTrue();
    assertThat(parsed.contentLength()).isEqualTo(-1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "HTTP/1.0 200 OK\r\n\r\n",
      "HTTP/1.1 20 OK\r\n\r\n",
      "HTTP/1.1 200OK\r\n\r\n",
      "HTTP/1.1 200  OK\r\n\r\n", // blanks around the reason: Netty trims them
      "HTTP/1.1 200 OK \r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A : b\r\n\r\n", // Netty skips this whitespace in a response: not ours
  })
  void declinesResponsesOutsideTheSubset(String head) {
    assertThat(WireHead.response(bytes(head), MAX_LINE, MAX_HEADERS, false)).isNull();
  }

  private static @Nullable WireHead request(ByteBuf in) {
    return WireHead.request(in, MAX_LINE, MAX_HEADERS, true);
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }
}
