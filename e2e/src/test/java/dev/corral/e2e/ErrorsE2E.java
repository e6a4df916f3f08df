package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.RawBackend;
import dev.corral.e2e.support.RawHttpConnection;
import dev.corral.e2e.support.RawSidecars;
import dev.corral.e2e.support.SidecarProcess;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a client gets when the upstream fails, one cluster per failure, chosen by Host: a refused
 * connect (503), no endpoints (503), a hang-up (502), silence past the route timeout (504), a
 * response cut off by a reset (the client's connection closes). Each is counted in the stats.
 */
class ErrorsE2E {
  static HttpBackend ok;
  static RawBackend hangup;
  static RawBackend silent;
  static RawBackend half;
  static int closedPort;
  static SidecarProcess sidecar;

  @BeforeAll
  static void start() {
    ok = new HttpBackend("ok");
    closedPort = Ports.free(); // nothing listens there
    hangup = new RawBackend(socket -> {
      RawBackend.readHead(socket.getInputStream());
      socket.close();
    });
    silent = new RawBackend(socket -> {
      RawBackend.readHead(socket.getInputStream());
      RawBackend.drainUntilClosed(socket);
    });
    half = new RawBackend(socket -> {
      RawBackend.readHead(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nthe first few bytes"
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      socket.setSoLinger(true, 0); // close with a RST
      socket.close();
    });
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("ok", ok.port());
    bootstrap.cluster("refused", closedPort);
    bootstrap.cluster("empty");
    bootstrap.cluster("hangup", hangup.port());
    bootstrap.cluster("silent", silent.port());
    bootstrap.cluster("half", half.port());
    for (String name : List.of("refused", "empty", "hangup", "silent", "half")) {
      bootstrap.virtualHost(name, name);
    }
    bootstrap.routeExtra(", timeout: 1s");
    sidecar = SidecarProcess.start(bootstrap, "--concurrency", "1");
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    ok.close();
    List.of(hangup, silent, half).forEach(RawBackend::close);
  }

  private static RawHttpConnection.Response get(String host) {
    try (RawHttpConnection c = new RawHttpConnection(sidecar.listenerPort())) {
      return c.send("GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n").read();
    }
  }

  private static double clusterMetric(String name, String cluster, String... more) {
    String[] labels = new String[more.length + 1];
    labels[0] = "cluster=\"" + cluster + "\"";
    System.arraycopy(more, 0, labels, 1, more.length);
    return RawSidecars.metric(sidecar, name, labels);
  }

  private static double downstream5xx() {
    return RawSidecars.metric(sidecar, "corral_downstream_rq_total", "response_class=\"5xx\"");
  }

  @Test
  void healthyClusterAnswers() {
    assertThat(get("ok").body()).isEqualTo("backend ok");
  }

  @Test
  void closedPortIs503NamingTheConnectError() {
    double failures = clusterMetric("corral_upstream_cx_connect_fail_total", "refused");
    double fives = downstream5xx();

    RawHttpConnection.Response response = get("refused");

    assertThat(response.status()).isEqualTo(503);
    assertThat(response.body()).contains("upstream connect error").contains("127.0.0.1:" + closedPort);
    assertThat(clusterMetric("corral_upstream_cx_connect_fail_total", "refused") - failures).isEqualTo(1);
    assertThat(downstream5xx() - fives).isEqualTo(1);
  }

  @Test
  void clusterWithoutEndpointsIs503NoHealthyUpstream() {
    double noHost = clusterMetric("corral_upstream_rq_no_host_total", "empty");
    double fives = downstream5xx();

    RawHttpConnection.Response response = get("empty");

    assertThat(response.status()).isEqualTo(503);
    assertThat(response.body()).contains("no healthy upstream");
    assertThat(clusterMetric("corral_upstream_rq_no_host_total", "empty") - noHost).isEqualTo(1);
    assertThat(downstream5xx() - fives).isEqualTo(1);
  }

  @Test
  void backendClosingMidRequestWithoutAnsweringIs502() {
    double resets = clusterMetric("corral_upstream_rq_total", "hangup", "response_class=\"reset\"");
    double fives = downstream5xx();

    RawHttpConnection.Response response = get("hangup");

    assertThat(response.status()).isEqualTo(502);
    assertThat(response.body()).contains("upstream reset");
    assertThat(clusterMetric("corral_upstream_rq_total", "hangup", "response_class=\"reset\"") - resets)
        .isEqualTo(1);
    assertThat(downstream5xx() - fives).isEqualTo(1);
  }

  @Test
  void backendHangingUpOnARequestBodyIs502() {
    try (RawHttpConnection c = new RawHttpConnection(sidecar.listenerPort())) {
      // Headers only: the backend hangs up while the sidecar still waits for the client's body.
      c.send("POST /upload HTTP/1.1\r\nHost: hangup\r\nContent-Length: 100\r\n\r\n");

      RawHttpConnection.Response response = c.read();

      assertThat(response.status()).isEqualTo(502);
      // The request was cut short, so the connection's framing is lost: it must be closed.
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void silentBackendIs504PromptlyAfterTheRouteTimeout() {
    double timeouts = clusterMetric("corral_upstream_rq_timeout_total", "silent");
    double fives = downstream5xx();
    long start = System.nanoTime();

    RawHttpConnection.Response response = get("silent"); // fails on its own after 5 s of silence

    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertThat(response.status()).isEqualTo(504);
    assertThat(response.body()).contains("timeout");
    assertThat(seconds).as("a hang bound, not a latency check").isLessThan(5);
    assertThat(clusterMetric("corral_upstream_rq_timeout_total", "silent") - timeouts).isEqualTo(1);
    assertThat(downstream5xx() - fives).isEqualTo(1);
  }

  @Test
  void responseCutOffByAResetClosesTheClientConnection() {
    double resets = clusterMetric("corral_upstream_rq_total", "half", "response_class=\"reset\"");
    try (RawHttpConnection c = new RawHttpConnection(sidecar.listenerPort())) {
      c.send("GET /x HTTP/1.1\r\nHost: half\r\n\r\n");

      String got = c.readUntilClosed(); // fails if the sidecar leaves the connection hanging

      assertThat(got).startsWith("HTTP/1.1 200");
      assertThat(got).doesNotContain("HTTP/1.1 502"); // no second response glued onto a cut-off body
    }
    assertThat(clusterMetric("corral_upstream_rq_total", "half", "response_class=\"reset\"") - resets)
        .isEqualTo(1);
  }
}
