package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.api.AdsBootstrap;
import dev.corral.e2e.support.ControlPlaneProcess;
import dev.corral.e2e.support.PodNetwork;
import dev.corral.e2e.support.PodNetwork.Pod;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.SidecarProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transparent interception with real iptables, in network namespaces that stand for pods: three
 * {@code images} pods (a backend on :8080, corral-iptables.sh, a sidecar as uid 1337), a caller pod
 * (corral-iptables.sh and a sidecar) whose app is plain {@code curl http://images.shop:8080/} with
 * no proxy settings, and an "outside" pod the mesh does not know. {@code images.shop} resolves to
 * a ClusterIP-like 10.96.0.10 in the caller's /etc/hosts; nothing listens there: only the
 * caller's sidecar, reached through the REDIRECT, knows where images is. The control plane runs
 * in local mode in the root namespace, with manifests naming the pod IPs.
 *
 * <p>Skipped unless root with ip, iptables, setpriv, curl and python3 (the backends).
 */
class NetnsE2E {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path INIT_SCRIPT = Path.of("../images/init/corral-iptables.sh").toAbsolutePath();
  private static final String IMAGES_VIP = "10.96.0.10";
  private static final String OUTSIDE_IP = "10.77.0.50";
  private static final int PROXY_UID = 1337;

  /** A backend that answers with its pod's name, so the caller can tell where it was balanced. */
  private static final String BACKEND = """
      import http.server, sys
      name, port = sys.argv[1], int(sys.argv[2])
      class Handler(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              body = (name + " " + self.path).encode()
              self.send_response(200)
              self.send_header("Content-Length", str(len(body)))
              self.end_headers()
              self.wfile.write(body)
          def log_message(self, *args):
              pass
      http.server.ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
      """;
  /** A TCP echo: a protocol that is not HTTP. */
  private static final String ECHO = """
      import socket, sys, threading
      server = socket.socket()
      server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      server.bind(("0.0.0.0", int(sys.argv[1])))
      server.listen()
      def serve(c):
          with c:
              while True:
                  data = c.recv(4096)
                  if not data:
                      break
                  c.sendall(data)
      while True:
          c, _ = server.accept()
          threading.Thread(target=serve, args=(c,), daemon=True).start()
      """;
  private static final String ECHO_CLIENT = """
      import socket, sys
      s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
      s.sendall(b"ping, not http\\n")
      print(s.recv(100).decode(), end="")
      """;

  @TempDir static Path dir;
  private static PodNetwork net;
  private static ControlPlaneProcess controlPlane;
  private static final List<SidecarProcess> sidecars = new ArrayList<>();
  private static Pod caller;
  private static SidecarProcess callerSidecar;
  private static String python;

  @BeforeAll
  static void start() throws IOException {
    String missing = PodNetwork.missing("ip", "iptables", "setpriv", "curl", "python3");
    assumeTrue(missing == null, () -> "NetnsE2E skipped: " + missing);
    python = PodNetwork.which("python3");
    net = PodNetwork.create();
    List<Pod> images = List.of(net.pod("images-0", "10.77.0.11"), net.pod("images-1", "10.77.0.12"),
        net.pod("images-2", "10.77.0.13"));
    caller = net.pod("caller-0", "10.77.0.20");
    Pod outside = net.pod("outside", OUTSIDE_IP);
    net.hosts(caller, Map.of("images.shop", IMAGES_VIP));

    Path mesh = Files.createDirectories(dir.resolve("mesh"));
    Files.writeString(mesh.resolve("images.yaml"), manifests(images));
    int xdsPort = Ports.free();
    controlPlane = ControlPlaneProcess.start(mesh, "0.0.0.0", xdsPort, Ports.free(), "--stats-window-s", "60");

    net.start(outside, dir.resolve("outside-http.log"), python, "-c", BACKEND, "outside", "9090");
    net.start(outside, dir.resolve("outside-echo.log"), python, "-c", ECHO, "9000");
    for (Pod pod : images) {
      net.start(pod, dir.resolve(pod.name() + "-app.log"), python, "-c", BACKEND, pod.name(), "8080");
      intercept(pod, "8080");
      sidecars.add(sidecar(pod, "images", xdsPort, true));
    }
    // A port of the caller pod the mesh knows nothing of: with CORRAL_INBOUND_PORTS=* it reaches
    // the sidecar's inbound listener, which passes it through.
    net.start(caller, dir.resolve("caller-echo.log"), python, "-c", ECHO, "7000");
    intercept(caller, "*");
    intercept(caller, "*"); // a restarted init container: the rules are replaced, not doubled
    callerSidecar = sidecar(caller, "caller", xdsPort, false);
    sidecars.add(callerSidecar);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> curl("http://images.shop:8080/warm-up").status() == 200);
  }

  @AfterAll
  static void stop() {
    sidecars.forEach(SidecarProcess::close);
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (net != null) {
      net.close(); // namespaces, links, bridge and /etc/netns entries, even after a failure
    }
  }

  @Test
  void plainCallsToAServiceNameAreBalancedOverItsPods() throws IOException {
    Map<String, Integer> perPod = new TreeMap<>();
    for (int i = 0; i < 30; i++) {
      Curl r = curl("http://images.shop:8080/photo/" + i);
      assertThat(r.status()).as("call %d: %s", i, r.body()).isEqualTo(200);
      assertThat(r.body()).endsWith(" /photo/" + i);
      perPod.merge(r.body().split(" ")[0], 1, Integer::sum);
    }
    assertThat(perPod).as("calls per pod").containsOnlyKeys("images-0", "images-1", "images-2");
    assertThat(perPod.values()).allMatch(n -> n >= 5);

    // The control plane's stats show the traffic: the caller's outbound and the pods' inbound.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(requests("outbound")).isGreaterThanOrEqualTo(30);
      assertThat(requests("inbound")).isGreaterThanOrEqualTo(30);
    });
  }

  @Test
  void httpToAnAddressOutsideTheMeshPassesThroughToItsOriginalDestination() throws IOException {
    Curl r = curl("http://" + OUTSIDE_IP + ":9090/not-in-the-mesh");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("outside /not-in-the-mesh");
    // Through the caller's sidecar (its PassthroughCluster counted it), not around it.
    assertThat(adminStats(callerSidecar)).containsPattern(
        "corral_upstream_rq_total\\{[^}]*cluster=\"PassthroughCluster\"[^}]*response_class=\"2xx\"[^}]*} [1-9]");
  }

  @Test
  void tcpThatIsNotHttpIsRelayedRawToItsOriginalDestination() throws IOException {
    long before = passthroughConnections();
    String reply = PodNetwork.exec(caller, python, "-c", ECHO_CLIENT, OUTSIDE_IP, "9000");
    assertThat(reply).isEqualTo("ping, not http\n");
    assertThat(passthroughConnections()).as("relayed by the caller's sidecar").isGreaterThan(before);
  }

  @Test
  void inboundConnectionsToOtherPortsOfThePodPassThroughTheSidecarToTheirOriginalDestination()
      throws IOException {
    long before = passthroughConnections("InboundPassthroughCluster");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(caller.ip(), 7000), 5000);
      s.setSoTimeout(5000);
      s.getOutputStream().write("knock knock\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo("knock knock\n");
    }
    assertThat(passthroughConnections("InboundPassthroughCluster")).isGreaterThan(before);
  }

  private static long passthroughConnections() throws IOException {
    return passthroughConnections("PassthroughCluster");
  }

  /** Upstream connections the caller's sidecar opened to {@code cluster}. */
  private static long passthroughConnections(String cluster) throws IOException {
    Matcher m = Pattern.compile(
        "corral_upstream_cx_total\\{[^}]*cluster=\"" + cluster + "\"[^}]*} ([0-9.eE+]+)")
        .matcher(adminStats(callerSidecar));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void rerunningTheInitScriptReplacesItsRulesInsteadOfAddingThemTwice() {
    // Both variants' tables: the script picks nft or legacy (whichever holds rules, as Istio does).
    String rules = PodNetwork.exec(caller, "sh", "-c",
        "iptables-nft-save -t nat 2>/dev/null; iptables-legacy-save -t nat 2>/dev/null; true");
    assertThat(rules.lines().filter(l -> l.equals("-A OUTPUT -p tcp -j CORRAL_OUTPUT"))).hasSize(1);
    assertThat(rules.lines().filter(l -> l.contains("--uid-owner " + PROXY_UID))).hasSize(1);
  }

  private record Curl(int status, String body) {}

  /** The caller's app: curl inside its pod, no proxy settings (they are removed from its environment). */
  private static Curl curl(String url) {
    PodNetwork.Result r = PodNetwork.tryExec(caller, "curl", "-s", "-m", "5", "-w", "\n%{http_code}", url);
    String out = r.output();
    int nl = out.lastIndexOf('\n');
    if (r.exitCode() != 0 || nl < 0) {
      return new Curl(0, out);
    }
    return new Curl(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, nl));
  }

  /** Runs the init container's script in the pod, as the injected init container would. */
  private static void intercept(Pod pod, String inboundPorts) {
    PodNetwork.exec(pod, Map.of("CORRAL_PROXY_UID", Integer.toString(PROXY_UID),
        "CORRAL_INBOUND_PORTS", inboundPorts), "sh", INIT_SCRIPT.toString());
  }

  /** The pod's sidecar, as uid 1337, on the well-known ports; its admin on the pod's address for the test. */
  private static SidecarProcess sidecar(Pod pod, String workload, int xdsPort, boolean fronted) {
    AdsBootstrap bootstrap = AdsBootstrap.node(pod.name() + ".shop", workload + ".shop.svc.cluster.local")
        .metadata("workload", workload).metadata("namespace", "shop");
    if (fronted) {
      bootstrap.metadata("corral.app_port", 8080);
    }
    String yaml = bootstrap.metadata("corral.stats_address", PodNetwork.GATEWAY + ":" + xdsPort)
        .metadata("corral.stats_interval", "500ms")
        .admin("0.0.0.0", 15000).xds(PodNetwork.GATEWAY, xdsPort).yaml();
    List<String> wrapper = PodNetwork.inside(pod, "setpriv", "--reuid=" + PROXY_UID, "--regid=" + PROXY_UID,
        "--clear-groups");
    return SidecarProcess.startWrapped(wrapper, yaml, pod.ip(), 15000, 15001, "--concurrency", "1");
  }

  private static long requests(String direction) throws IOException {
    for (JsonNode s : JSON.readTree(controlPlane.body("/api/v1/stats")).get("services")) {
      if (s.get("service").asText().equals("images.shop.svc.cluster.local")
          && s.get("direction").asText().equals(direction)) {
        return s.get("requests").asLong();
      }
    }
    return 0;
  }

  private static String adminStats(SidecarProcess sidecar) throws IOException {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(sidecar.adminUri("/stats/prometheus")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static String manifests(List<Pod> pods) {
    StringBuilder endpoints = new StringBuilder();
    for (Pod pod : pods) {
      endpoints.append("""
          - addresses: ["%s"]
            conditions: {ready: true}
            zone: zone-a
            targetRef: {kind: Pod, namespace: shop, name: %s}
          """.formatted(pod.ip(), pod.name()));
    }
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: images, namespace: shop}
        spec:
          ports:
          - {name: http, port: 8080, targetPort: http, appProtocol: http}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: images-pods
          namespace: shop
          labels: {kubernetes.io/service-name: images}
        addressType: IPv4
        ports:
        - {name: http, port: 8080, protocol: TCP}
        endpoints:
        """ + endpoints;
  }
}
