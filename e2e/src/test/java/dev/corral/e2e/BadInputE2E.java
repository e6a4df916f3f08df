package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.EdgeAdmin;
import dev.corral.e2e.support.EdgeRawHttp;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.SidecarProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests whose framing cannot be trusted, sent over raw sockets to the real sidecar: each gets
 * a 4xx and its connection closed, nothing truncated reaches the backend, the refusal is counted,
 * and the sidecar goes on serving new connections.
 */
class BadInputE2E {
  private static final int NO_HANG_MILLIS = 5_000;
  private static final String REJECTED = "corral_downstream_rq_rejected_total";

  static HttpBackend backend;
  static SidecarProcess sidecar;
  /** Body lengths of the uploads the backend read to their end. */
  static final List<Integer> completeUploads = new CopyOnWriteArrayList<>();
  /** Uploads whose body broke off before its end. */
  static final AtomicInteger brokenUploads = new AtomicInteger();
  static volatile CountDownLatch uploadStarted = new CountDownLatch(1);

  @BeforeAll
  static void start() {
    backend = new HttpBackend("a").handler(BadInputE2E::handle);
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("backend", backend.port());
    sidecar = SidecarProcess.start(bootstrap, "--concurrency", "1");
  }

  @AfterAll
  static void stop() {
    if (sidecar != null) {
      sidecar.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @AfterEach
  void sidecarStillServesFreshConnections() throws IOException {
    assertThat(sidecar.process().isAlive()).as("sidecar alive").isTrue();
    try (EdgeRawHttp fresh = new EdgeRawHttp(sidecar.listenerPort(), NO_HANG_MILLIS)) {
      EdgeRawHttp.Response response = fresh.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n").readResponse();
      assertThat(response).isNotNull();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("ok");
    }
  }

  private static void handle(HttpExchange exchange) throws IOException {
    if (exchange.getRequestURI().getPath().startsWith("/upload")) {
      uploadStarted.countDown();
      byte[] body;
      try {
        body = exchange.getRequestBody().readAllBytes();
      } catch (IOException e) {
        brokenUploads.incrementAndGet();
        exchange.close();
        return;
      }
      completeUploads.add(body.length);
    } else {
      exchange.getRequestBody().readAllBytes();
    }
    byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, ok.length);
    exchange.getResponseBody().write(ok);
    exchange.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "GET /x HTTX/1.1\r\nHost: a\r\n\r\n",
      "GET /x HTTP/1.1 trailing-garbage\r\nHost: a\r\n\r\n",
      "GET /x y HTTP/1.1\r\nHost: a\r\n\r\n",
      "NOT-HTTP-AT-ALL\r\n\r\n",
  })
  void malformedRequestLineGets400AndClose(String request) throws IOException {
    assertRejected(request, 400);
  }

  @Test
  void unsupportedHttpVersionIsRefusedNotForwarded() throws IOException {
    int backendRequests = backend.requests();
    try (EdgeRawHttp client = new EdgeRawHttp(sidecar.listenerPort(), NO_HANG_MILLIS)) {
      EdgeRawHttp.Response response = client.send("GET /hello HTTP/9.9\r\nHost: a\r\n\r\n").readResponse();

      assertThat(response).isNotNull();
      assertThat(response.status()).isEqualTo(505);
      assertThat(client.closedByPeer()).isTrue();
    }
    assertThat(backend.requests()).isEqualTo(backendRequests);
  }

  @Test
  void contentLengthWithChunkedGets400AndClose() throws IOException {
    assertRejected("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
  }

  @Test
  void twoDifferentContentLengthsGet400AndClose() throws IOException {
    assertRejected("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400);
  }

  @Test
  void headersOver60KiBGet431AndClose() throws IOException {
    StringBuilder request = new StringBuilder("GET /hello HTTP/1.1\r\nHost: a\r\n");
    String value = "v".repeat(1000);
    for (int i = 0; request.length() < 61 * 1024; i++) {
      request.append("x-pad-").append(i).append(": ").append(value).append("\r\n");
    }
    request.append("\r\n");
    assertRejected(request.toString(), 431);
  }

  @Test
  void badChunkSizeNeverReachesTheBackendAsACompleteRequest() throws Exception {
    uploadStarted = new CountDownLatch(1);
    completeUploads.clear();
    brokenUploads.set(0);
    double rejectedBefore = rejected(400);
    try (EdgeRawHttp client = new EdgeRawHttp(sidecar.listenerPort(), NO_HANG_MILLIS)) {
      client.send("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
      // The head and a first good chunk are already on their way upstream when the bad one comes.
      assertThat(uploadStarted.await(NO_HANG_MILLIS, TimeUnit.MILLISECONDS)).as("backend saw the request").isTrue();
      client.send("zz\r\nmore\r\n0\r\n\r\n");

      EdgeRawHttp.Response response;
      try {
        response = client.readResponse();
      } catch (IOException reset) {
        response = null; // closed without a response is an acceptable answer too
      }
      if (response != null) {
        assertThat(response.status()).isEqualTo(400);
        assertThat(rejected(400)).isEqualTo(rejectedBefore + 1);
      }
      assertThat(client.closedByPeer()).as("connection closed").isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(brokenUploads).hasValue(1));
    assertThat(completeUploads).isEmpty();
  }

  private static void assertRejected(String request, int status) throws IOException {
    int backendRequests = backend.requests();
    double before = rejected(status);
    try (EdgeRawHttp client = new EdgeRawHttp(sidecar.listenerPort(), NO_HANG_MILLIS)) {
      EdgeRawHttp.Response response = client.send(request).readResponse();

      assertThat(response).as("a response before the close").isNotNull();
      assertThat(response.status()).isEqualTo(status);
      assertThat(response.header("connection")).isEqualToIgnoringCase("close");
      assertThat(client.closedByPeer()).as("connection closed after the response").isTrue();
    }
    assertThat(rejected(status)).isEqualTo(before + 1);
    assertThat(backend.requests()).as("requests that reached the backend").isEqualTo(backendRequests);
  }

  private static double rejected(int status) {
    return EdgeAdmin.metric(sidecar, REJECTED, "code=\"" + status + "\"");
  }
}
