package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import dev.corral.e2e.support.FaultAdmin;
import dev.corral.e2e.support.FaultBackendProcess;
import dev.corral.e2e.support.FaultBootstrap;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.RawBackend;
import dev.corral.e2e.support.RawHttpConnection;
import dev.corral.e2e.support.RawSidecars;
import dev.corral.e2e.support.SidecarProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upstream hosts failing under the real sidecar process: a backend killed with SIGKILL under
 * steady load (retries hide it, health checks and outlier detection take it out, health checks
 * bring its successor back), a backend that accepts and never answers (per-try timeout moves on),
 * backends answering 503 (outlier ejection, capped by max_ejection_percent), and a host failing
 * its health checks (probed at unhealthy_interval, not interval, once the cluster had traffic).
 */
class ResilienceE2E {
  private static final String PREVIOUS_HOSTS =
      "retry_host_predicate: [{ name: envoy.retry_host_predicates.previous_hosts }]";

  static HttpBackend steadyA;
  static HttpBackend steadyB;
  static FaultBackendProcess steadyC;
  static RawBackend silent;
  static HttpBackend afterSilent;
  static HttpBackend failing1;
  static HttpBackend failing2;
  static HttpBackend fine;
  static HttpBackend sick;
  static SidecarProcess sidecar;

  @BeforeAll
  static void start() {
    steadyA = new HttpBackend("a");
    steadyB = new HttpBackend("b");
    steadyC = FaultBackendProcess.start("c", 0);
    silent = new RawBackend(socket -> {
      RawBackend.readHead(socket.getInputStream());
      RawBackend.drainUntilClosed(socket); // accepts, reads, never answers
    });
    afterSilent = new HttpBackend("patient");
    failing1 = new HttpBackend("failing1").handler(ResilienceE2E::answer503);
    failing2 = new HttpBackend("failing2").handler(ResilienceE2E::answer503);
    fine = new HttpBackend("fine");
    sick = new HttpBackend("sick").handler(ResilienceE2E::answer503);

    FaultBootstrap bootstrap = new FaultBootstrap()
        .cluster("steady",
            ", retry_policy: { retry_on: \"connect-failure,reset,5xx\", num_retries: 2, " + PREVIOUS_HOSTS
                + ", host_selection_retry_max_attempts: 3 }",
            """
                health_checks:
                - timeout: 0.5s
                  interval: 0.2s
                  no_traffic_interval: 0.2s
                  unhealthy_threshold: 2
                  healthy_threshold: 2
                  http_health_check: { path: /healthz }
                outlier_detection: { consecutive_5xx: 3, interval: 0.5s, base_ejection_time: 2s, max_ejection_percent: 50 }
            """,
            steadyA.port(), steadyB.port(), steadyC.port())
        .cluster("hang",
            ", timeout: 5s, retry_policy: { retry_on: reset, num_retries: 2, per_try_timeout: 0.3s, "
                + PREVIOUS_HOSTS + " }",
            "", silent.port(), afterSilent.port())
        .cluster("fives", "",
            // A long ejection, so that nothing returns while the test looks.
            "    outlier_detection: { consecutive_5xx: 3, interval: 0.5s, base_ejection_time: 30s,"
                + " max_ejection_percent: 34 }",
            failing1.port(), failing2.port(), fine.port())
        .cluster("sick", "",
            """
                health_checks:
                - timeout: 0.5s
                  interval: 0.1s
                  no_traffic_interval: 0.1s
                  unhealthy_interval: 1s
                  unhealthy_threshold: 1
                  healthy_threshold: 1
                  http_health_check: { path: /healthz }
            """,
            sick.port());
    sidecar = bootstrap.start("--concurrency", "2");
  }

  @AfterAll
  static void stop() {
    if (sidecar != null) {
      sidecar.close();
    }
    List.of(steadyA, steadyB, afterSilent, failing1, failing2, fine, sick).forEach(HttpBackend::close);
    steadyC.close();
    silent.close();
  }

  private static void answer503(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    byte[] body = "down".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(503, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static RawHttpConnection.Response get(String host) {
    try (RawHttpConnection c = new RawHttpConnection(sidecar.listenerPort())) {
      return c.send("GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n").read();
    }
  }

  private static double metric(String name, String cluster, String... more) {
    String[] labels = new String[more.length + 1];
    labels[0] = "cluster=\"" + cluster + "\"";
    System.arraycopy(more, 0, labels, 1, more.length);
    return RawSidecars.metric(sidecar, name, labels);
  }

  @Test
  void killedBackendCostsNoRequestIsTakenOutAndItsSuccessorIsTakenBackIn() throws Exception {
    int deadPort = steadyC.port();
    double retriesBefore = metric("corral_upstream_rq_retry_total", "steady");
    double unhealthyBefore = metric("corral_health_check_transitions_total", "steady", "to=\"unhealthy\"");
    double healthyBefore = metric("corral_health_check_transitions_total", "steady", "to=\"healthy\"");

    // Steady load: 3 clients on keep-alive connections, ~100 requests/s each, for 7 s.
    AtomicBoolean stopLoad = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    Map<String, Integer> answeredBy = new ConcurrentHashMap<>();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread client = new Thread(() -> steadyLoad(stopLoad, failures, answeredBy), "steady-client-" + i);
      client.start();
      clients.add(client);
    }
    TimeUnit.MILLISECONDS.sleep(2500);
    steadyC.kill(); // kill -9, mid-run
    TimeUnit.MILLISECONDS.sleep(4500);
    stopLoad.set(true);
    for (Thread client : clients) {
      client.join(10_000);
      assertThat(client.isAlive()).as("client thread hung").isFalse();
    }

    int answered = answeredBy.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(failures).as("failed client requests (of %d answered)", answered).isEmpty();
    assertThat(answered).as("the load ran").isGreaterThan(500);
    assertThat(answeredBy).containsKeys("backend a", "backend b", "backend c");
    assertThat(metric("corral_upstream_rq_retry_total", "steady") - retriesBefore)
        .as("the requests that met the dead host were retried").isPositive();

    // The dead host is flagged (health checks keep failing it) and gets no more requests.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(FaultAdmin.healthFlags(sidecar, "steady", deadPort))
            .containsAnyOf("/failed_active_hc", "/failed_outlier_check"));
    assertThat(metric("corral_health_check_transitions_total", "steady", "to=\"unhealthy\"") - unhealthyBefore)
        .isEqualTo(1);
    double connectFailures = metric("corral_upstream_cx_connect_fail_total", "steady");
    double resets = metric("corral_upstream_rq_total", "steady", "response_class=\"reset\"");
    double retries = metric("corral_upstream_rq_retry_total", "steady");
    for (int i = 0; i < 60; i++) {
      RawHttpConnection.Response response = get("steady");
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isIn("backend a", "backend b");
    }
    assertThat(metric("corral_upstream_cx_connect_fail_total", "steady")).isEqualTo(connectFailures);
    assertThat(metric("corral_upstream_rq_total", "steady", "response_class=\"reset\"")).isEqualTo(resets);
    assertThat(metric("corral_upstream_rq_retry_total", "steady")).as("no try went to the dead host")
        .isEqualTo(retries);

    // A new backend on the same port returns to rotation once its health checks pass.
    steadyC = FaultBackendProcess.start("c2", deadPort);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(FaultAdmin.healthFlags(sidecar, "steady", deadPort)).isEqualTo("healthy"));
    assertThat(metric("corral_health_check_transitions_total", "steady", "to=\"healthy\"") - healthyBefore)
        .isEqualTo(1);
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      RawHttpConnection.Response response = get("steady");
      assertThat(response.status()).isEqualTo(200);
      bodies.add(response.body());
    }
    assertThat(bodies).contains("backend c2", "backend a", "backend b");
  }

  /** One client: GET after GET on a keep-alive connection, ~every 10 ms, until told to stop. */
  private static void steadyLoad(AtomicBoolean stop, ConcurrentLinkedQueue<String> failures,
      Map<String, Integer> answeredBy) {
    RawHttpConnection c = new RawHttpConnection(sidecar.listenerPort());
    long next = System.nanoTime();
    try {
      while (!stop.get()) {
        try {
          RawHttpConnection.Response response = c.send("GET /load HTTP/1.1\r\nHost: steady\r\n\r\n").read();
          if (response.status() == 200) {
            answeredBy.merge(response.body(), 1, Integer::sum);
          } else {
            failures.add(response.status() + " " + response.body().trim());
          }
          if ("close".equalsIgnoreCase(response.header("connection"))) {
            failures.add("sidecar closed the client connection");
            c.close();
            c = new RawHttpConnection(sidecar.listenerPort());
          }
        } catch (UncheckedIOException e) {
          failures.add(e.getMessage());
          c.close();
          c = new RawHttpConnection(sidecar.listenerPort());
        }
        next += 10_000_000L;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      c.close();
    }
  }

  @Test
  void perTryTimeoutMovesOnFromASilentHostLongBeforeTheRouteTimeout() {
    double perTryTimeouts = metric("corral_upstream_rq_per_try_timeout_total", "hang");
    double retries = metric("corral_upstream_rq_retry_total", "hang", "reason=\"per-try-timeout\"");

    // Six requests over two event loops: round robin alternates hosts per loop, so some request's
    // first try lands on the silent host.
    for (int i = 0; i < 6; i++) {
      long start = System.nanoTime();
      RawHttpConnection.Response response = get("hang");
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("backend patient");
      assertThat(millis).as("per_try_timeout 0.3s, not the 5s route timeout (a hang bound)").isLessThan(2000);
    }
    assertThat(silent.accepted()).isPositive();
    assertThat(metric("corral_upstream_rq_per_try_timeout_total", "hang") - perTryTimeouts).isPositive();
    assertThat(metric("corral_upstream_rq_retry_total", "hang", "reason=\"per-try-timeout\"") - retries)
        .isPositive();
  }

  @Test
  void maxEjectionPercentLetsOnlyOneOfTwoFailingHostsBeEjected() {
    for (int i = 0; i < 30; i++) {
      assertThat(get("fives").status()).isIn(200, 503);
    }

    String flags1 = FaultAdmin.healthFlags(sidecar, "fives", failing1.port());
    String flags2 = FaultAdmin.healthFlags(sidecar, "fives", failing2.port());
    // 34 % of 3 hosts is 1.02 hosts: one ejection fits, a second would be 67 %.
    assertThat(List.of(flags1, flags2)).containsExactlyInAnyOrder("/failed_outlier_check", "healthy");
    assertThat(FaultAdmin.healthFlags(sidecar, "fives", fine.port())).isEqualTo("healthy");
    assertThat(metric("corral_outlier_ejections_total", "fives", "type=\"consecutive_5xx\"")).isEqualTo(1);
    assertThat(metric("corral_outlier_ejections_total", "fives")).isEqualTo(1);
    assertThat(metric("corral_outlier_ejected_hosts", "fives")).isEqualTo(1);

    // The ejected host gets no more requests; the other failing one still does.
    HttpBackend ejected = flags1.equals("healthy") ? failing2 : failing1;
    HttpBackend kept = ejected == failing1 ? failing2 : failing1;
    int ejectedSeen = ejected.requests();
    int keptSeen = kept.requests();
    for (int i = 0; i < 20; i++) {
      get("fives");
    }
    assertThat(ejected.requests()).isEqualTo(ejectedSeen);
    assertThat(kept.requests()).isGreaterThan(keptSeen);
  }

  @Test
  void aFailedHostIsProbedAtUnhealthyIntervalOnceTheClusterHadTraffic() throws InterruptedException {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(FaultAdmin.healthFlags(sidecar, "sick", sick.port())).isEqualTo("/failed_active_hc"));
    // No traffic yet: no_traffic_interval (0.1 s) applies, to failed hosts too.
    assertThat(healthChecksOver(sick, 1500)).as("checks in 1.5 s at no_traffic_interval 0.1 s")
        .isGreaterThanOrEqualTo(5);

    assertThat(get("sick").status()).isEqualTo(503); // the cluster's first traffic (panic mode picks sick)

    // With traffic, a failed host waits unhealthy_interval (1 s), not interval (0.1 s): ~3 checks
    // in 3 s, where interval would make ~30.
    assertThat(healthChecksOver(sick, 3000)).as("checks in 3 s at unhealthy_interval 1 s").isBetween(1, 6);
  }

  /** The health checks {@code backend} receives in the next {@code millis}. */
  private static int healthChecksOver(HttpBackend backend, long millis) throws InterruptedException {
    long before = backend.seen().stream().filter(s -> s.uri().equals("/healthz")).count();
    TimeUnit.MILLISECONDS.sleep(millis);
    return (int) (backend.seen().stream().filter(s -> s.uri().equals("/healthz")).count() - before);
  }
}
