package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.api.AdsBootstrap;
import dev.corral.cli.Corralctl;
import dev.corral.e2e.support.Cleanup;
import dev.corral.e2e.support.ControlPlaneProcess;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.RawHttpConnection;
import dev.corral.e2e.support.RawSidecars;
import dev.corral.e2e.support.SidecarProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * corralctl against a real control plane in local mode, on the example manifests (examples/mesh,
 * with the ports of this test's backends): two real sidecars (the frontend's and one images pod's),
 * real traffic, then {@code stat}, {@code policies}, {@code check} and {@code config} — in process
 * through picocli, and once as the real jar. The printed numbers must agree with the traffic sent.
 * Each command's output is saved under target/cli-samples/ (docs/cli.md quotes them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliE2E {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLES = Path.of(System.getProperty("corral.examples", "../examples/mesh"));
  private static final Path CLI_JAR = Path.of(System.getProperty("corral.cli.jar", "../cli/target/corralctl.jar"));
  private static final Path SAMPLES = Path.of("target", "cli-samples");
  private static final String IMAGES = "images.shop.svc.cluster.local";
  private static final int SENT = 150;

  private final Cleanup cleanup = new Cleanup();
  private Path mesh;
  private ControlPlaneProcess controlPlane;
  private String address;
  private int frontendOutbound;
  private int images0Admin;
  /** Outbound images requests the control plane counted once all of this test's traffic was in. */
  private long counted;
  private double windowSeconds;

  private record Run(int exitCode, String out, String err) {}

  @BeforeAll
  void startMeshAndSendTraffic() throws Exception {
    HttpBackend alpha = track(new HttpBackend("alpha"));
    HttpBackend beta = track(new HttpBackend("beta"));
    HttpBackend gamma = track(new HttpBackend("gamma"));
    HttpBackend frontendApp = track(new HttpBackend("frontend"));
    mesh = Files.createTempDirectory("corral-cli-mesh");
    // The example manifests as they are, but with this test's backend ports.
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        String yaml = Files.readString(f)
            .replace("port: 18080", "port: " + frontendApp.port())
            .replace("port: 18081", "port: " + alpha.port())
            .replace("port: 18082", "port: " + beta.port())
            .replace("port: 18083", "port: " + gamma.port());
        Files.writeString(mesh.resolve(f.getFileName()), yaml);
      }
    }
    int xdsPort = Ports.free();
    controlPlane = ControlPlaneProcess.start(mesh, xdsPort, Ports.free());
    address = "http://127.0.0.1:" + controlPlane.httpPort();
    int frontendAdmin = Ports.free();
    frontendOutbound = Ports.free();
    sidecar("frontend-0", "frontend", frontendApp.port(), xdsPort, frontendAdmin, frontendOutbound);
    images0Admin = Ports.free();
    sidecar("images-0", "images", alpha.port(), xdsPort, images0Admin, Ports.free());

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> get("/warm-up").status() == 200);
    long baseline = stableOutboundRequests();
    for (int i = 0; i < SENT; i++) {
      assertThat(get("/img/" + i).status()).isEqualTo(200);
    }
    // The sidecars report every 200 ms: within a few intervals the control plane has it all.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> outboundRequests() == baseline + SENT);
    Thread.sleep(400); // one more report interval: nothing else arrives
    counted = outboundRequests();
    assertThat(counted).isEqualTo(baseline + SENT);
    windowSeconds = JSON.readTree(controlPlane.body("/api/v1/stats")).get("windowSeconds").asDouble();
    Files.createDirectories(SAMPLES);
  }

  @AfterAll
  void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
    cleanup.close();
  }

  @Test
  void statPrintsTheRequestsAndRateOfTheTrafficSent() throws IOException {
    Run wide = corralctl("stat", "-o", "wide", "--address", address);
    assertThat(wide.exitCode()).as(wide.err()).isZero();
    String[] outbound = row(wide.out(), "images", "outbound");
    List<String> header = columns(wide.out().lines().findFirst().orElseThrow());
    assertThat(outbound[header.indexOf("REQUESTS")]).isEqualTo(Long.toString(counted));
    assertThat(outbound[header.indexOf("ERRORS")]).isEqualTo("0");
    assertThat(outbound[header.indexOf("SUCCESS")]).isEqualTo("100.00%");
    assertThat(outbound[header.indexOf("MESHED")]).as("images-0 of 3 pods has a sidecar").isEqualTo("1/3");
    save("stat-wide.txt", wide.out());

    Run table = corralctl("stat", "--address", address);
    assertThat(table.exitCode()).as(table.err()).isZero();
    save("stat.txt", table.out());
    List<String> tableHeader = columns(table.out().lines().findFirst().orElseThrow());
    String[] images = row(table.out(), "images");
    String rps = images[tableHeader.indexOf("RPS")];
    assertThat(rps).endsWith("rps");
    assertThat(Double.parseDouble(rps.replace("rps", ""))).isCloseTo(counted / windowSeconds,
        org.assertj.core.data.Offset.offset(0.01));
    assertThat(images[tableHeader.indexOf("SUCCESS")]).isEqualTo("100.00%");
    assertThat(images[tableHeader.indexOf("P50")]).matches("[0-9.]+(ms|s)");
    // Retries are real too (a warm-up call may hit a pod whose sidecar is still starting): the
    // table says what the API says.
    assertThat(images[tableHeader.indexOf("RETRIES")]).isEqualTo(Long.toString(outbound("retries")));
    // Aligned: RPS is right-aligned, so every row's rate ends where the header ends.
    int rpsEnd = table.out().lines().findFirst().orElseThrow().indexOf("RPS") + "RPS".length();
    table.out().lines().skip(1).forEach(line -> assertThat(line.substring(0, rpsEnd)).endsWith("rps"));

    Run one = corralctl("stat", "images", "-n", "shop", "--window", "30s", "--address", address);
    assertThat(one.exitCode()).as(one.err()).isZero();
    assertThat(one.out().lines().count()).as("header and the images row").isEqualTo(2);
  }

  @Test
  void statJsonParsesAndCarriesTheSameCounts() throws IOException {
    Run json = corralctl("stat", "-o", "json", "--address", address);
    assertThat(json.exitCode()).as(json.err()).isZero();
    save("stat.json", json.out());
    save("xds.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
        JSON.readTree(controlPlane.body("/api/v1/xds"))));
    JsonNode root = JSON.readTree(json.out());
    JsonNode images = null;
    for (JsonNode s : root.get("services")) {
      if (s.get("service").asText().equals(IMAGES) && s.get("direction").asText().equals("outbound")) {
        images = s;
      }
    }
    assertThat(images).isNotNull();
    assertThat(images.get("requests").asLong()).isEqualTo(counted);
    assertThat(images.get("namespace").asText()).isEqualTo("shop");
    assertThat(images.get("pods").get("total").asInt()).isEqualTo(3);
  }

  @Test
  void aWindowLongerThanTheControlPlaneKeepsIsRefusedWithTheMaximum() {
    Run run = corralctl("stat", "--window", "1h", "--address", address);
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("window: 1h", "<= 30s");
  }

  @Test
  void policiesListsTheExamplePoliciesWithTheirStatus() throws IOException {
    Run run = corralctl("policies", "--address", address);
    assertThat(run.exitCode()).as(run.err()).isZero();
    save("policies.txt", run.out());
    for (String kind : List.of("BalancePolicy", "CachePolicy", "CollapsePolicy")) {
      String[] cells = row(run.out(), "shop", kind);
      assertThat(cells).contains("images");
      assertThat(cells[cells.length - 2]).as("%s Accepted", kind).isEqualTo("True");
      // Every kind is carried by the translation (cache and collapse as placed filters) and ACKed.
      assertThat(cells[cells.length - 1]).as("%s Programmed", kind).isEqualTo("True");
    }
    String jsonOut = corralctl("policies", "-o", "json", "--address", address).out();
    save("policies.json", jsonOut);
    JsonNode json = JSON.readTree(jsonOut);
    assertThat(json.get("policies")).hasSize(3);
    assertThat(json.get("policies").get(0).get("kind").asText()).isEqualTo("BalancePolicy");
    assertThat(json.get("policies").get(0).get("programmed").get("reason").asText()).isEqualTo("Programmed");
    assertThat(json.get("policies").get(0).get("programmed").get("message").asText()).isEqualTo("ACKed by 2 sidecars");
  }

  @Test
  void checkPasses() throws IOException {
    Run run = corralctl("check", "--address", address);
    save("check.txt", run.out());
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("✔ control plane reachable", "✔ 2 sidecars connected",
        "✔ sidecars on the latest configuration version", "✔ 3 policies accepted", "✔ no source problems",
        "– CRDs: not checked in local mode").doesNotContain("✘");
  }

  @Test
  void configShowsAPodsSidecarResolvedThroughTheControlPlane() throws IOException {
    Run run = corralctl("config", "frontend-0.shop", "--address", address);
    assertThat(run.exitCode()).as(run.err()).isZero();
    save("config.txt", run.out());
    assertThat(run.out()).contains("LISTENERS", "ROUTES", "CLUSTERS", "ENDPOINTS",
        "outbound|8080||" + IMAGES, "prefix /");
    // Three images endpoints, all healthy, in the frontend's outbound cluster.
    long healthy = run.out().lines()
        .filter(l -> l.startsWith("outbound|8080||" + IMAGES) && l.contains(" healthy ")).count();
    assertThat(healthy).as(run.out()).isEqualTo(3);

    Run direct = corralctl("config", "127.0.0.1:" + images0Admin);
    assertThat(direct.exitCode()).as(direct.err()).isZero();
    assertThat(direct.out()).contains("Sidecar images-0.shop", "inbound");

    Run unknown = corralctl("config", "nobody.shop", "--address", address);
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("no connected sidecar has node id nobody.shop", "frontend-0.shop");
  }

  @Test
  void anUnreachableControlPlaneGivesExitCode3AndSaysWhatToTry() {
    String nowhere = "http://127.0.0.1:" + Ports.free();
    for (String command : List.of("stat", "policies", "check")) {
      Run run = corralctl(command, "--address", nowhere);
      assertThat(run.exitCode()).as(command).isEqualTo(3);
      if (command.equals("check")) {
        assertThat(run.out()).startsWith("✘ control plane reachable at " + nowhere);
      }
      assertThat(run.err()).as(command).contains("corralctl: ", "cannot reach the control plane at " + nowhere,
          "connection refused", "port-forward svc/corral-controller 15014");
    }
  }

  @Test
  void theRealJarPrintsTheSameAndExitsWithTheSameCodes() throws Exception {
    Run stat = jar("stat", "--address", address);
    assertThat(stat.exitCode()).as(stat.err()).isZero();
    assertThat(row(stat.out(), "images")).isNotEmpty();
    Run wide = jar("stat", "-o", "wide", "--address", address);
    List<String> header = columns(wide.out().lines().findFirst().orElseThrow());
    assertThat(row(wide.out(), "images", "outbound")[header.indexOf("REQUESTS")]).isEqualTo(Long.toString(counted));

    Run unreachable = jar("stat", "--address", "http://127.0.0.1:" + Ports.free());
    assertThat(unreachable.exitCode()).isEqualTo(3);
    assertThat(unreachable.err()).contains("cannot reach the control plane");
    Run usage = jar("stat", "--no-such-option");
    assertThat(usage.exitCode()).isEqualTo(2);
  }

  // ---- helpers ----

  private static Run corralctl(String... args) {
    CommandLine cmd = Corralctl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run jar(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", CLI_JAR.toAbsolutePath().toString()));
    command.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  /** The cells of the first line whose leading cells are {@code keys}. */
  private static String[] row(String table, String... keys) {
    return table.lines().map(l -> columns(l).toArray(String[]::new))
        .filter(cells -> {
          List<String> c = Arrays.asList(cells);
          return c.subList(0, Math.min(c.size(), keys.length + 1)).containsAll(List.of(keys));
        })
        .findFirst().orElseThrow(() -> new AssertionError("no row " + Arrays.toString(keys) + " in:\n" + table));
  }

  /** Cells are separated by at least two spaces (headers such as "CACHE HIT" hold one). */
  private static List<String> columns(String line) {
    return Arrays.asList(line.strip().split("\\s{2,}"));
  }

  private static void save(String name, String text) throws IOException {
    Files.writeString(SAMPLES.resolve(name), text);
  }

  private long stableOutboundRequests() {
    long[] last = {-1};
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(600)).until(() -> {
      long now = outboundRequests();
      boolean stable = now == last[0];
      last[0] = now;
      return stable;
    });
    return last[0];
  }

  private long outboundRequests() throws IOException {
    return outbound("requests");
  }

  /** A counter of the images service's outbound stats, from the API; 0 before any. */
  private long outbound(String field) throws IOException {
    for (JsonNode s : JSON.readTree(controlPlane.body("/api/v1/stats")).get("services")) {
      if (s.get("service").asText().equals(IMAGES) && s.get("direction").asText().equals("outbound")) {
        return s.get(field).asLong();
      }
    }
    return 0;
  }

  private RawHttpConnection.Response get(String path) {
    try (RawHttpConnection c = new RawHttpConnection(frontendOutbound)) {
      return c.send("GET " + path + " HTTP/1.1\r\nHost: images\r\nConnection: close\r\n\r\n").read();
    }
  }

  private void sidecar(String pod, String workload, int appPort, int xdsPort, int admin, int outbound) {
    String yaml = AdsBootstrap.node(pod + ".shop", workload + ".shop.svc.cluster.local")
        .metadata("workload", workload)
        .metadata("corral.outbound_port", outbound).metadata("corral.inbound_port", Ports.free())
        .metadata("corral.app_port", appPort).metadata("corral.listen_address", "127.0.0.1")
        .metadata("corral.admin_address", "127.0.0.1:" + admin)
        .metadata("corral.stats_address", "127.0.0.1:" + xdsPort).metadata("corral.stats_interval", "200ms")
        .admin("127.0.0.1", admin).xds("127.0.0.1", xdsPort).yaml();
    track(RawSidecars.start(yaml, admin, outbound, "--concurrency", "2"));
  }

  private <T extends AutoCloseable> T track(T closeable) {
    return cleanup.track(closeable);
  }
}
