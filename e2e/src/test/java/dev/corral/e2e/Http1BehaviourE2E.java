package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.RawHttpConnection;
import dev.corral.e2e.support.RawSidecars;
import dev.corral.e2e.support.SidecarProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 connection behaviour on the wire, with raw sockets where real clients would hide it:
 * keep-alive, pipelining, 100-continue, chunked request bodies, HTTP/1.0 closes.
 */
class Http1BehaviourE2E {
  static HttpBackend echo;
  static SidecarProcess sidecar;

  @BeforeAll
  static void start() {
    echo = new HttpBackend("echo").handler(Http1BehaviourE2E::echo);
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("echo", echo.port());
    sidecar = SidecarProcess.start(bootstrap, "--concurrency", "1");
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    echo.close();
  }

  /** Answers {@code METHOD URI BODY}; {@code /slow...} paths answer after a pause, to test ordering. */
  private static void echo(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (exchange.getRequestURI().getPath().startsWith("/slow")) {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] answer = (exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
        + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, answer.length);
    exchange.getResponseBody().write(answer);
    exchange.close();
  }

  private static RawHttpConnection connect() {
    return new RawHttpConnection(sidecar.listenerPort());
  }

  @Test
  void keepAliveServesSeveralRequestsOnOneConnection() {
    double connectionsBefore = RawSidecars.metric(sidecar, "corral_downstream_cx_total");
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 5; i++) {
        RawHttpConnection.Response response = c.send("GET /ka/" + i + " HTTP/1.1\r\nHost: echo\r\n\r\n").read();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("GET /ka/" + i + " ");
        assertThat(response.header("connection")).isNotEqualToIgnoringCase("close");
      }
    }
    assertThat(RawSidecars.metric(sidecar, "corral_downstream_cx_total") - connectionsBefore).isEqualTo(1);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    try (RawHttpConnection c = connect()) {
      // One write; the first answer is the slowest, so out-of-order relaying would show.
      c.send("GET /slow/1 HTTP/1.1\r\nHost: echo\r\n\r\n"
          + "POST /p/2 HTTP/1.1\r\nHost: echo\r\nContent-Length: 3\r\n\r\ntwo"
          + "GET /p/3 HTTP/1.1\r\nHost: echo\r\n\r\n");

      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RawHttpConnection.Response response = c.read();
        assertThat(response.status()).isEqualTo(200);
        bodies.add(response.body());
      }

      assertThat(bodies).containsExactly("GET /slow/1 ", "POST /p/2 two", "GET /p/3 ");
    }
  }

  @Test
  void expectContinueGets100BeforeTheBodyIsSent() {
    try (RawHttpConnection c = connect()) {
      c.send("POST /upload HTTP/1.1\r\nHost: echo\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");

      RawHttpConnection.Response interim = c.readHead();
      assertThat(interim.status()).isEqualTo(100);

      RawHttpConnection.Response response = c.send("hello world").read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("POST /upload hello world");
    }
  }

  @Test
  void chunkedRequestBodyArrivesIntact() {
    String big = "0123456789abcdef".repeat(100 * 1024 / 16); // 100 KiB, above the 64 KiB chunk limit
    try (RawHttpConnection c = connect()) {
      c.send("POST /chunked HTTP/1.1\r\nHost: echo\r\nTransfer-Encoding: chunked\r\n\r\n");
      c.send("5\r\nhello\r\n");
      c.send("1;ext=1\r\n \r\n");
      c.send(Integer.toHexString(big.length()) + "\r\n" + big + "\r\n");
      c.send("5\r\nworld\r\n0\r\n\r\n");

      RawHttpConnection.Response response = c.read();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("POST /chunked hello " + big + "world");
    }
  }

  @Test
  void http10RequestWithoutKeepAliveIsAnsweredThenClosed() {
    try (RawHttpConnection c = connect()) {
      RawHttpConnection.Response response = c.send("GET /old HTTP/1.0\r\nHost: echo\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("GET /old ");
      assertThat(c.closedByPeer()).as("connection closed after an HTTP/1.0 response").isTrue();
    }
  }

  @Test
  void http11ConnectionCloseIsHonoured() {
    try (RawHttpConnection c = connect()) {
      RawHttpConnection.Response response =
          c.send("GET /bye HTTP/1.1\r\nHost: echo\r\nConnection: close\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("connection")).isEqualToIgnoringCase("close");
      assertThat(c.closedByPeer()).isTrue();
    }
  }
}
