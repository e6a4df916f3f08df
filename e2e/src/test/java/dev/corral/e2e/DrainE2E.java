package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.EdgeAdmin;
import dev.corral.e2e.support.EdgeRawHttp;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.SidecarProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the real sidecar process: it stops accepting, reports not-ready, lets the request
 * in flight finish, closes idle keep-alive connections, and exits 0. One sidecar per test, since
 * each test ends it.
 */
class DrainE2E {
  private static final int NO_HANG_MILLIS = 10_000;
  private static final Duration EXIT_BOUND = Duration.ofSeconds(20);

  HttpBackend backend;
  SidecarProcess sidecar;
  final int healthPort = Ports.free();
  final CountDownLatch slowArrived = new CountDownLatch(1);
  /** Lets the slow response go; the test opens it once it has looked at the sidecar mid-drain. */
  final CountDownLatch releaseSlow = new CountDownLatch(1);

  @BeforeEach
  void start() {
    backend = new HttpBackend("a").handler(exchange -> {
      exchange.getRequestBody().readAllBytes();
      if (exchange.getRequestURI().getPath().equals("/slow")) {
        slowArrived.countDown();
        // At least 2 s, and never before the test has checked the drain, however loaded the machine.
        sleep(2_000);
        awaitRelease(releaseSlow);
      }
      byte[] body = "done".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("backend", backend.port());
    sidecar = SidecarProcess.start(bootstrap, "--concurrency", "1", "--drain-time-s", "10",
        "--health-port", Integer.toString(healthPort));
  }

  @AfterEach
  void stop() {
    releaseSlow.countDown();
    sidecar.close();
    backend.close();
  }

  @Test
  void inFlightRequestCompletesWhileNewConnectionsAreRefused() throws Exception {
    try (EdgeRawHttp inFlight = new EdgeRawHttp(sidecar.listenerPort(), NO_HANG_MILLIS)) {
      inFlight.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(slowArrived.await(NO_HANG_MILLIS, TimeUnit.MILLISECONDS)).as("request reached the backend").isTrue();

      CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(() -> sidecar.terminate(EXIT_BOUND));

      // The backend holds the response until released: all of this happens during the drain.
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
          .until(() -> EdgeAdmin.readyStatus(sidecar) == 503);
      assertThat(healthStatus("/ready")).as("the kubelet's probe port").isEqualTo(503);
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
          .untilAsserted(() -> assertThatThrownBy(this::connectToListener).isInstanceOf(ConnectException.class));
      assertThat(sidecar.process().isAlive()).as("still draining").isTrue();
      releaseSlow.countDown();

      EdgeRawHttp.Response response = inFlight.readResponse();
      assertThat(response).isNotNull();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("done");
      assertThat(response.header("connection")).isEqualToIgnoringCase("close");
      assertThat(inFlight.closedByPeer()).isTrue();

      assertThat(exitCode.get(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS)).isZero();
      assertThat(sidecar.log()).contains("drained").doesNotContain("drain time over");
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosedAtDrain() throws Exception {
    try (EdgeRawHttp idle = new EdgeRawHttp(sidecar.listenerPort(), NO_HANG_MILLIS)) {
      EdgeRawHttp.Response first = idle.send("GET /fast HTTP/1.1\r\nHost: a\r\n\r\n").readResponse();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.header("connection")).as("kept alive").isNull();

      CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(() -> sidecar.terminate(EXIT_BOUND));

      assertThat(idle.closedByPeer()).as("idle connection closed by the drain").isTrue();
      assertThat(exitCode.get(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS)).isZero();
      // Closed by the drain itself, not by the drain time running out.
      assertThat(sidecar.log()).contains("drained").doesNotContain("drain time over");
    }
  }

  @Test
  void theHealthPortServesOnlyTheProbeAndTheMetrics() throws Exception {
    assertThat(healthStatus("/ready")).isEqualTo(200);
    assertThat(healthStatus("/stats/prometheus")).isEqualTo(200);
    assertThat(healthStatus("/config_dump")).as("admin-only").isEqualTo(404);
    assertThat(healthStatus("/clusters")).as("admin-only").isEqualTo(404);
  }

  private int healthStatus(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path))
        .timeout(Duration.ofSeconds(5)).build();
    return HEALTH_CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static final HttpClient HEALTH_CLIENT = HttpClient.newHttpClient();

  private void connectToListener() throws IOException {
    new Socket(InetAddress.getLoopbackAddress(), sidecar.listenerPort()).close();
  }

  private static void awaitRelease(CountDownLatch latch) {
    try {
      latch.await(NO_HANG_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
