package dev.corral.sidecar.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpInspectorTest {

  private static String detect(String bytes) {
    ByteBuf in = Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1);
    try {
      String result = HttpInspector.detect(in);
      assertThat(in.readerIndex()).as("inspecting consumes nothing").isZero();
      return result;
    } finally {
      in.release();
    }
  }

  @Test
  void recognisesHttp1RequestLines() {
    assertThat(detect("GET /images/1 HTTP/1.1\r\nHost: images.shop\r\n\r\n")).isEqualTo("http/1.1");
    assertThat(detect("POST http://x/ HTTP/1.0\r\n")).isEqualTo("http/1.0");
    assertThat(detect("M-SEARCH * HTTP/1.1\n")).isEqualTo("http/1.1");
  }

  @Test
  void recognisesTheHttp2Preface() {
    assertThat(detect("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")).isEqualTo("h2c");
  }

  @Test
  void waitsForMoreBytesWhileTheyCouldStillBeHttp() {
    assertThat(detect("GE")).isNull();
    assertThat(detect("GET /a")).isNull();
    assertThat(detect("PRI * HTTP/2")).isNull();
  }

  @Test
  void callsEverythingElseNotHttp() {
    assertThat(detect("hello\n")).isEqualTo(HttpInspector.NOT_HTTP);
    assertThat(detect("\u0016\u0003\u0001")).isEqualTo(HttpInspector.NOT_HTTP); // a TLS ClientHello
    assertThat(detect("GET / SPDY/3\r\n")).isEqualTo(HttpInspector.NOT_HTTP);
    assertThat(detect("get / HTTP/1.1\r\n")).isEqualTo(HttpInspector.NOT_HTTP);
    assertThat(detect("GET /\u0000")).isEqualTo(HttpInspector.NOT_HTTP);
  }
}
