package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.e2e.support.Cleanup;
import dev.corral.e2e.support.ControlPlaneProcess;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.LocalMesh;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.RawHttpConnection;
import dev.corral.e2e.support.SidecarProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode with real processes: {@code corral control-plane --local DIR} on a folder of
 * manifests, two sidecars booted from ADS alone (the frontend's, and one images pod's) whose node
 * metadata names their loopback ports, and three images backends. Edits to the folder change what
 * the sidecars do; the control plane going away does not stop traffic.
 */
class LocalModeE2E {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration EDIT_TAKES_EFFECT = Duration.ofSeconds(3);

  @TempDir Path mesh;
  private final Cleanup cleanup = new Cleanup();
  private HttpBackend alpha;
  private HttpBackend beta;
  private HttpBackend gamma;
  private HttpBackend frontendApp;
  private int xdsPort;
  private int httpPort;
  private ControlPlaneProcess controlPlane;
  private Sidecar frontend;
  private Sidecar images0;

  private record Sidecar(SidecarProcess process, int outbound, int inbound) {}

  @BeforeEach
  void start() throws IOException {
    alpha = track(new HttpBackend("alpha"));
    beta = track(new HttpBackend("beta"));
    gamma = track(new HttpBackend("gamma"));
    frontendApp = track(new HttpBackend("frontend"));
    write("frontend.yaml", service("frontend") + slice("frontend-0", "frontend", frontendApp.port(), "frontend-0", "zone-a"));
    write("images.yaml", service("images")
        + slice("images-0", "images", alpha.port(), "images-0", "zone-a")
        + slice("images-1", "images", beta.port(), "images-1", "zone-b")
        + slice("images-2", "images", gamma.port(), "images-2", "zone-c"));
    write("images-policy.yaml", balancePolicy("algorithm: RoundRobin"));

    xdsPort = Ports.free();
    httpPort = Ports.free();
    controlPlane = ControlPlaneProcess.start(mesh, xdsPort, httpPort);
    frontend = sidecar("frontend-0", "frontend", frontendApp.port());
    images0 = sidecar("images-0", "images", alpha.port());
  }

  @AfterEach
  void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
    cleanup.close();
  }

  @Test
  void routesByTheManifestsAndTheStatsApiShowsTheTraffic() throws Exception {
    awaitRouted();
    long baseline = stableRequests("outbound");
    long baselineInbound = stableRequests("inbound");
    Set<String> reached = new HashSet<>();
    int sent = 0;
    int toAlpha = 0;
    for (String host : List.of("images", "images:8080", "images.shop", "images.shop.svc.cluster.local:8080")) {
      for (int i = 0; i < 6; i++) {
        RawHttpConnection.Response r = get(frontend.outbound, host, "/img/" + i);
        sent++;
        assertThat(r.status()).as("via %s", host).isEqualTo(200);
        reached.add(r.body());
        toAlpha += r.body().equals("backend alpha") ? 1 : 0;
      }
    }
    assertThat(reached).containsExactlyInAnyOrder("backend alpha", "backend beta", "backend gamma");

    // The images pod's sidecar: its inbound listener fronts its own app.
    for (int i = 0; i < 3; i++) {
      assertThat(get(images0.inbound, "images", "/local").body()).isEqualTo("backend alpha");
    }
    // A host the manifests do not name has no route.
    assertThat(get(frontend.outbound, "unknown", "/").status()).isEqualTo(404);

    long expected = baseline + sent;
    // Calls to images-0 pass through its sidecar (local mode's stand-in for iptables), as do the
    // three sent to its inbound listener directly.
    long expectedInbound = baselineInbound + toAlpha + 3;
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      JsonNode outbound = serviceStats("images.shop.svc.cluster.local", "outbound");
      assertThat(outbound).isNotNull();
      assertThat(outbound.get("requests").asLong()).isEqualTo(expected);
      JsonNode inbound = serviceStats("images.shop.svc.cluster.local", "inbound");
      assertThat(inbound).isNotNull();
      assertThat(inbound.get("requests").asLong()).isEqualTo(expectedInbound);
    });
    JsonNode xds = JSON.readTree(controlPlane.body("/api/v1/xds"));
    assertThat(xds.get("sidecars")).hasSize(2);
    assertThat(controlPlane.body("/metrics")).contains("corral_xds_connected_sidecars 2.0",
        "corral_stats_reporting_sidecars");
  }

  @Test
  void editingTheBalancePolicyChangesBehaviourWithinSeconds() throws Exception {
    awaitRouted();
    gamma.handler(exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    // Without retries, gamma's 503s reach the caller.
    await().atMost(Duration.ofSeconds(5)).until(() -> get(frontend.outbound, "images", "/").status() == 503);

    write("images-policy.yaml", balancePolicy("""
        algorithm: RoundRobin
        retries:
          attempts: 2
          retryOn: [retriable-status-codes, gateway-error]
          retriableStatusCodes: [503]
        """));
    await().atMost(EDIT_TAKES_EFFECT).pollInterval(Duration.ofMillis(50))
        .until(() -> allOk(frontend.outbound, 12));
    for (int i = 0; i < 30; i++) {
      assertThat(get(frontend.outbound, "images", "/").status()).isEqualTo(200);
    }

    // Changing the algorithm: a consistent hash on a header pins each key to one backend.
    gamma.handler(exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = "backend gamma".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    write("images-policy.yaml", balancePolicy("""
        algorithm: RingHash
        hashOn: {header: x-user}
        """));
    await().atMost(EDIT_TAKES_EFFECT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      for (String user : List.of("ann", "bob", "cy")) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
          seen.add(get(frontend.outbound, "images", "/", "x-user: " + user).body());
        }
        assertThat(seen).as("user %s", user).hasSize(1);
      }
    });
  }

  @Test
  void addingAndRemovingEndpointsTakesEffect() throws Exception {
    awaitRouted();
    write("images.yaml", service("images")
        + slice("images-0", "images", alpha.port(), "images-0", "zone-a")
        + slice("images-1", "images", beta.port(), "images-1", "zone-b"));
    await().atMost(EDIT_TAKES_EFFECT).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(bodies(frontend.outbound, 12)).doesNotContain("backend gamma"));

    HttpBackend delta = track(new HttpBackend("delta"));
    write("images.yaml", service("images")
        + slice("images-0", "images", alpha.port(), "images-0", "zone-a")
        + slice("images-1", "images", beta.port(), "images-1", "zone-b")
        + slice("images-3", "images", delta.port(), "images-3", "zone-c"));
    await().atMost(EDIT_TAKES_EFFECT).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(bodies(frontend.outbound, 12)).contains("backend delta"));
  }

  @Test
  void serverPlacementCollapsesConcurrentIdenticalGetsInFrontOfTheBackend() throws Exception {
    // Only images-0 (alpha, whose sidecar runs here) backs images, so every call crosses its inbound listener.
    write("images.yaml", service("images") + slice("images-0", "images", alpha.port(), "images-0", "zone-a"));
    await().atMost(EDIT_TAKES_EFFECT).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(bodies(frontend.outbound, 6)).containsOnly("backend alpha"));
    alpha.handler(slow("backend alpha", "no-store"));
    write("images-collapse.yaml", """
        apiVersion: corral.dev/v1alpha1
        kind: CollapsePolicy
        metadata: {name: images, namespace: shop}
        spec:
          targetRef: {kind: Service, name: images}
          placement: Server
        """);
    int[] round = {0};
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> concurrentGets("/collapse/" + round[0]++, 12).upstream() == 1);

    Burst burst = concurrentGets("/collapse/final", 16);
    assertThat(burst.statuses()).containsOnly(200);
    assertThat(burst.upstream()).as("origin requests for 16 concurrent identical GETs").isEqualTo(1);
    assertThat(burst.followers()).isPositive();
    // The caller's outbound listener has no collapser (Server placement): the followers were
    // collapsed by images-0's sidecar, which says so in the control plane's stats.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(serviceStats("images.shop.svc.cluster.local", "inbound").get("collapseRatio").asDouble())
            .isPositive());
  }

  @Test
  void clientPlacementServesRepeatedGetsFromTheCallersSidecar() throws Exception {
    awaitRouted();
    for (HttpBackend b : List.of(alpha, beta, gamma)) {
      b.handler(slow("backend " + b.name(), "max-age=60"));
    }
    write("images-cache.yaml", """
        apiVersion: corral.dev/v1alpha1
        kind: CachePolicy
        metadata: {name: images, namespace: shop}
        spec:
          targetRef: {kind: Service, name: images}
          placement: Client
          maxSize: 8Mi
        """);
    int[] round = {0};
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
      String path = "/cache/" + round[0]++;
      get(frontend.outbound, "images", path);
      String status = get(frontend.outbound, "images", path).header("cache-status");
      return status != null && status.contains("hit");
    });

    int before = originRequests("/cache/final");
    RawHttpConnection.Response first = get(frontend.outbound, "images", "/cache/final");
    assertThat(first.header("cache-status")).contains("fwd=uri-miss", "stored");
    for (int i = 0; i < 5; i++) {
      RawHttpConnection.Response again = get(frontend.outbound, "images", "/cache/final");
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(again.header("cache-status")).startsWith("corral; hit");
    }
    assertThat(originRequests("/cache/final") - before).isEqualTo(1);
    // Another Service of the mesh is not cached: its routes carry FilterConfig{disabled: true}.
    assertThat(get(frontend.outbound, "frontend", "/").header("cache-status")).isNull();
  }

  private record Burst(List<Integer> statuses, int upstream, int followers) {}

  /** {@code n} concurrent identical GETs through the frontend's sidecar; counts what reached a backend. */
  private Burst concurrentGets(String path, int n) throws Exception {
    int before = originRequests(path);
    List<java.util.concurrent.Future<RawHttpConnection.Response>> futures = new ArrayList<>();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> {
          go.await();
          return get(frontend.outbound, "images", path);
        }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      int followers = 0;
      for (var f : futures) {
        RawHttpConnection.Response r = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        statuses.add(r.status());
        followers += "follower".equals(r.header("x-corral-collapsed")) ? 1 : 0;
      }
      return new Burst(statuses, originRequests(path) - before, followers);
    } finally {
      pool.shutdownNow();
    }
  }

  private int originRequests(String path) {
    int n = 0;
    for (HttpBackend b : List.of(alpha, beta, gamma)) {
      n += (int) b.seen().stream().filter(s -> s.uri().equals(path)).count();
    }
    return n;
  }

  /** Answers {@code body} after 300 ms with {@code Cache-Control: cacheControl}. */
  private static com.sun.net.httpserver.HttpHandler slow(String body, String cacheControl) {
    return exchange -> {
      exchange.getRequestBody().readAllBytes();
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("cache-control", cacheControl);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    };
  }

  @Test
  void aBrokenFileKeepsThePreviousConfigAndIsReported() throws Exception {
    awaitRouted();
    String before = awaitSettledXds();
    write("images-policy.yaml", """
        apiVersion: corral.dev/v1alpha1
        kind: BalancePolicy
        metadata: {name: images, namespace: shop}
        spec:
          targetRef: {kind: Service, name: images}
          algorithm: RingHash
        """);
    await().atMost(EDIT_TAKES_EFFECT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      JsonNode problems = JSON.readTree(controlPlane.body("/api/v1/problems")).get("problems");
      assertThat(problems).hasSize(1);
      assertThat(problems.get(0).get("source").asText()).endsWith("images-policy.yaml");
      assertThat(problems.get(0).get("field").asText()).isEqualTo("spec.hashOn");
      assertThat(problems.get(0).get("line").asInt()).isPositive();
    });
    // Nothing was re-sent: the last good version of the file stays in force.
    assertThat(JSON.readTree(controlPlane.body("/api/v1/xds")).get("sidecars").toString()).isEqualTo(before);
    assertThat(bodies(frontend.outbound, 12)).contains("backend alpha", "backend beta", "backend gamma");
    assertThat(controlPlane.log()).contains("images-policy.yaml:", "spec.hashOn");

    write("images-policy.yaml", balancePolicy("algorithm: RoundRobin"));
    await().atMost(EDIT_TAKES_EFFECT).untilAsserted(() ->
        assertThat(JSON.readTree(controlPlane.body("/api/v1/problems")).get("problems")).isEmpty());
  }

  @Test
  void trafficOutlivesTheControlPlaneAndARestartResyncs() throws Exception {
    awaitRouted();
    controlPlane.kill();
    for (int i = 0; i < 20; i++) {
      assertThat(get(frontend.outbound, "images", "/").status()).isEqualTo(200);
    }
    // Changed while away: the restarted control plane reads the folder and the sidecars resync.
    write("images.yaml", service("images") + slice("images-1", "images", beta.port(), "images-1", "zone-b"));
    assertThat(bodies(frontend.outbound, 6)).contains("backend alpha");

    controlPlane = ControlPlaneProcess.start(mesh, xdsPort, httpPort);
    // The sidecars reconnect with back-off (0.5 s doubling), hence the longer bound.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(bodies(frontend.outbound, 6)).containsOnly("backend beta"));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(JSON.readTree(controlPlane.body("/api/v1/xds")).get("sidecars")).hasSize(2));
  }

  /**
   * A resource the sidecars refuse: through the real translator, with the control plane's TEST-ONLY
   * fault hook naming policy shop/images-bad (its clusters get respect_dns_ttl, which the sidecar
   * does not support). One NACK per sidecar and no storm, the reason recorded against the policy,
   * traffic served by the last good config, and fixing the file clears the rejection.
   */
  @Test
  void aResourceTheSidecarsRefuseIsNackedOnceAndRecorded() throws Exception {
    awaitRouted();
    controlPlane.kill();
    controlPlane = ControlPlaneProcess.start(mesh, xdsPort, httpPort,
        List.of("-Dcorral.faultInjection.unsupportedFieldForPolicy=shop/images-bad"));
    // The sidecars reconnect with back-off (0.5 s doubling) and resync to equal versions.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> !awaitSettledXds().isEmpty());
    assertThat(controlPlane.log()).contains("TEST-ONLY fault injection on");

    write("images-policy.yaml", balancePolicy("images-bad", "algorithm: RoundRobin"));
    await().atMost(EDIT_TAKES_EFFECT).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
        assertThat(JSON.readTree(controlPlane.body("/api/v1/xds")).get("rejectedPolicies").has("shop/BalancePolicy/images-bad"))
            .isTrue());
    JsonNode rejection = JSON.readTree(controlPlane.body("/api/v1/xds")).get("rejectedPolicies")
        .get("shop/BalancePolicy/images-bad");
    assertThat(rejection.get("message").asText()).contains("outbound|8080||images.shop.svc.cluster.local", "respect_dns_ttl");
    assertThat(rejection.get("resources").toString()).contains("outbound|8080||images.shop.svc.cluster.local");

    // The last good config keeps serving, and nothing is re-sent: exactly one NACK per sidecar.
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(bodies(frontend.outbound, 3)).allMatch(b -> b.startsWith("backend "));
    }
    JsonNode sidecars = JSON.readTree(controlPlane.body("/api/v1/xds")).get("sidecars");
    assertThat(sidecars).hasSize(2);
    for (JsonNode sc : sidecars) {
      JsonNode cds = sc.get("types").get("CDS");
      assertThat(cds.get("lastNack").get("version").asText()).as(sc.get("nodeId").asText())
          .isEqualTo(cds.get("sentVersion").asText());
      assertThat(cds.get("ackedVersion").asText()).isNotEqualTo(cds.get("sentVersion").asText());
    }
    assertThat(controlPlane.body("/metrics")).contains("corral_xds_nacks_total{type=\"cds\"} 2.0");

    write("images-policy.yaml", balancePolicy("images", "algorithm: RoundRobin"));
    await().atMost(EDIT_TAKES_EFFECT).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
        assertThat(JSON.readTree(controlPlane.body("/api/v1/xds")).get("rejectedPolicies").size()).isZero());
    assertThat(bodies(frontend.outbound, 6)).allMatch(b -> b.startsWith("backend "));
    assertThat(controlPlane.body("/metrics")).contains("corral_xds_nacks_total{type=\"cds\"} 2.0");
  }

  /**
   * Local mode's detour through a pod's sidecar ends with that sidecar: once images-0's sidecar is
   * gone, callers reach images-0's app directly again (before, they kept calling its dead inbound
   * port and images-0 was unreachable).
   */
  @Test
  void aLocalSidecarThatLeavesIsBypassed() throws Exception {
    awaitRouted();
    images0.process().close();
    await().atMost(EDIT_TAKES_EFFECT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(bodies(frontend.outbound, 12)).contains("backend alpha").allMatch(b -> b.startsWith("backend ")));
    assertThat(JSON.readTree(controlPlane.body("/api/v1/xds")).get("sidecars")).hasSize(1);
  }

  // ---- helpers ----

  /**
   * The control plane's view of the sidecars once every version sent was ACKed and nothing moved
   * for a while (a sidecar joining republishes the others' endpoints in local mode).
   */
  private String awaitSettledXds() {
    String[] last = {""};
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(400)).until(() -> {
      JsonNode sidecars = JSON.readTree(controlPlane.body("/api/v1/xds")).get("sidecars");
      boolean acked = sidecars.size() == 2;
      for (JsonNode sc : sidecars) {
        for (JsonNode t : sc.get("types")) {
          acked &= t.get("sentVersion").asText().equals(t.get("ackedVersion").asText());
        }
      }
      String now = sidecars.toString();
      boolean stable = acked && now.equals(last[0]);
      last[0] = now;
      return stable;
    });
    return last[0];
  }

  /** The images requests the stats API counts once the warm-up's reports are in. */
  private long stableRequests(String direction) {
    long[] last = {-1};
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(600)).until(() -> {
      JsonNode s = serviceStats("images.shop.svc.cluster.local", direction);
      long now = s == null ? 0 : s.get("requests").asLong();
      boolean stable = now == last[0];
      last[0] = now;
      return stable;
    });
    return last[0];
  }

  /** Waits until the frontend's sidecar routes to images (it has LDS, RDS, CDS and EDS). */
  private void awaitRouted() {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> get(frontend.outbound, "images", "/").status() == 200);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> get(images0.inbound, "images", "/").status() == 200);
  }

  private Sidecar sidecar(String pod, String workload, int appPort) {
    LocalMesh.Sidecar sidecar = track(LocalMesh.startSidecar(pod, workload, appPort, xdsPort));
    return new Sidecar(sidecar.process(), sidecar.outbound(), sidecar.inbound());
  }

  private static RawHttpConnection.Response get(int port, String host, String path, String... headers) {
    StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (String h : headers) {
      request.append(h).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (RawHttpConnection c = new RawHttpConnection(port)) {
      RawHttpConnection.Response r = c.send(request.toString()).read();
      return new RawHttpConnection.Response(r.statusLine(), r.status(), r.headers(), r.body().strip());
    }
  }

  private static boolean allOk(int port, int n) {
    for (int i = 0; i < n; i++) {
      if (get(port, "images", "/").status() != 200) {
        return false;
      }
    }
    return true;
  }

  private static List<String> bodies(int port, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(get(port, "images", "/").body());
    }
    return out;
  }

  private JsonNode serviceStats(String service, String direction) throws IOException {
    for (JsonNode s : JSON.readTree(controlPlane.body("/api/v1/stats")).get("services")) {
      if (s.get("service").asText().equals(service) && s.get("direction").asText().equals(direction)) {
        return s;
      }
    }
    return null;
  }

  private void write(String file, String yaml) throws IOException {
    LocalMesh.write(mesh, file, yaml);
  }

  private <T extends AutoCloseable> T track(T closeable) {
    return cleanup.track(closeable);
  }

  private static String service(String name) {
    return LocalMesh.service(name);
  }

  private static String slice(String name, String service, int port, String pod, String zone) {
    return LocalMesh.slice(name, service, port, pod, zone);
  }

  /** A BalancePolicy for images; {@code body} is the spec without targetRef, unindented. */
  private static String balancePolicy(String body) {
    return balancePolicy("images", body);
  }

  private static String balancePolicy(String name, String body) {
    return """
        apiVersion: corral.dev/v1alpha1
        kind: BalancePolicy
        metadata: {name: %s, namespace: shop}
        spec:
          targetRef: {kind: Service, name: images}
        """.formatted(name) + body.indent(2);
  }
}
