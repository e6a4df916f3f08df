package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.H2Backend;
import dev.corral.e2e.support.H2Client;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.SidecarProcess;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 on both sides of the real sidecar: prior-knowledge and {@code Upgrade: h2c} clients in
 * front of HTTP/1.1 backends, and HTTP/1.1 and HTTP/2 clients in front of an HTTP/2 upstream.
 */
class Http2E2E {
  /** Routed to the HTTP/2 upstream; anything else goes to the HTTP/1.1 backends. */
  private static final String H2_AUTHORITY = "h2.corral.test";
  private static final String H1_AUTHORITY = "app.corral.test";
  /** Routed to a cluster whose only endpoint refuses connections. */
  private static final String DEAD_AUTHORITY = "dead.corral.test";
  private static final long NO_HANG_SECONDS = 20;

  static List<HttpBackend> backends;
  static H2Backend h2;
  static SidecarProcess sidecar;

  @BeforeAll
  static void start() {
    backends = List.of(new HttpBackend("a"), new HttpBackend("b"), new HttpBackend("c"));
    backends.forEach(b -> b.handler(exchange -> {
      byte[] received = exchange.getRequestBody().readAllBytes();
      if (exchange.getRequestURI().getPath().equals("/big")) {
        byte[] big = pattern(Integer.parseInt(exchange.getRequestURI().getQuery()));
        exchange.sendResponseHeaders(200, big.length);
        exchange.getResponseBody().write(big);
        exchange.close();
        return;
      }
      byte[] body = ("backend " + b.name() + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
          + " " + received.length + " " + H2Backend.sha256(received)).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("content-type", "text/plain");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    }));
    h2 = new H2Backend("h2");
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("h1", backends.stream().mapToInt(HttpBackend::port).toArray());
    bootstrap.cluster("h2", h2.port()).http2();
    // "localhost" lets the JDK client (which will not set Host) reach the HTTP/2 upstream.
    bootstrap.virtualHost("h2", H2_AUTHORITY, "localhost");
    bootstrap.cluster("dead", Ports.free());
    bootstrap.virtualHost("dead", DEAD_AUTHORITY);
    sidecar = SidecarProcess.start(bootstrap, "--concurrency", "1");
  }

  @AfterAll
  static void stop() {
    if (sidecar != null) {
      sidecar.close();
    }
    if (backends != null) {
      backends.forEach(HttpBackend::close);
    }
    if (h2 != null) {
      h2.close();
    }
  }

  private static <T> T join(CompletableFuture<T> future) throws Exception {
    return future.get(NO_HANG_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void priorKnowledgeClientIsAnsweredByEachHttp1Backend() throws Exception {
    try (H2Client client = H2Client.connect(sidecar.listenerPort(), H1_AUTHORITY)) {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        H2Client.Response response = join(client.get("/hello?i=" + i));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).matches("backend [abc] GET /hello\\?i=" + i + " 0 [0-9a-f]{64}");
        names.add(response.bodyText().split(" ")[1]);
      }
      assertThat(names).containsExactlyInAnyOrder("a", "b", "c");
    }
  }

  @Test
  void h2cUpgradeClientIsAnsweredOverHttp2() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 0; i < 3; i++) {
      // The first request carries Upgrade: h2c; the others go on the upgraded connection.
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(sidecar.uri("/upgrade/" + i)).timeout(Duration.ofSeconds(NO_HANG_SECONDS)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).matches("backend [abc] GET /upgrade/" + i + " 0 [0-9a-f]{64}");
    }
  }

  @Test
  void hundredConcurrentStreamsOnOneConnectionEachGetTheirOwnResponse() throws Exception {
    try (H2Client client = H2Client.connect(sidecar.listenerPort(), H1_AUTHORITY)) {
      List<CompletableFuture<H2Client.Response>> responses = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        responses.add(client.get("/item/" + i + "?q=" + i));
      }

      Map<String, Integer> perBackend = new HashMap<>();
      for (int i = 0; i < responses.size(); i++) {
        H2Client.Response response = join(responses.get(i));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).matches("backend [abc] GET /item/" + i + "\\?q=" + i + " 0 [0-9a-f]{64}");
        perBackend.merge(response.bodyText().split(" ")[1], 1, Integer::sum);
      }
      assertThat(perBackend).containsOnlyKeys("a", "b", "c");
    }
  }

  @Test
  void requestBodiesOverHttp2ReachTheHttp1BackendIntact() throws Exception {
    Random random = new Random(7);
    try (H2Client client = H2Client.connect(sidecar.listenerPort(), H1_AUTHORITY)) {
      List<byte[]> bodies = new ArrayList<>();
      List<CompletableFuture<H2Client.Response>> responses = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        byte[] body = new byte[i == 0 ? 1 : random.nextInt(1024 * 1024)];
        random.nextBytes(body);
        bodies.add(body);
        // Half declare their length, half do not (the sidecar must frame them chunked for HTTP/1.1).
        Map<String, String> headers = i % 2 == 0
            ? Map.of("content-length", Integer.toString(body.length), "content-type", "application/octet-stream")
            : Map.of("content-type", "application/octet-stream");
        responses.add(client.send(HttpMethod.POST, "/upload/" + i, body, headers));
      }

      for (int i = 0; i < responses.size(); i++) {
        H2Client.Response response = join(responses.get(i));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).matches("backend [abc] POST /upload/" + i + " "
            + bodies.get(i).length + " " + H2Backend.sha256(bodies.get(i)));
      }
    }
  }

  @Test
  void http1ClientReachesTheHttp2Upstream() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI base = URI.create("http://localhost:" + sidecar.listenerPort());
    int before = h2.requests();

    HttpResponse<String> get = client.send(HttpRequest.newBuilder(base.resolve("/from-h1?x=1"))
        .timeout(Duration.ofSeconds(NO_HANG_SECONDS)).build(), HttpResponse.BodyHandlers.ofString());
    byte[] upload = new byte[300_000];
    new Random(3).nextBytes(upload);
    HttpResponse<String> post = client.send(HttpRequest.newBuilder(base.resolve("/upload"))
        .timeout(Duration.ofSeconds(NO_HANG_SECONDS))
        .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(get.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo("h2 h2 GET /from-h1?x=1 0");
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(post.body()).isEqualTo("h2 h2 POST /upload " + upload.length);
    assertThat(h2.requests()).isEqualTo(before + 2);
  }

  @Test
  void trailersFromAnHttp2UpstreamReachAnHttp2Client() throws Exception {
    byte[] body = "trailers please".getBytes(StandardCharsets.UTF_8);
    try (H2Client client = H2Client.connect(sidecar.listenerPort(), H2_AUTHORITY)) {
      List<CompletableFuture<H2Client.Response>> responses = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        responses.add(client.send(HttpMethod.POST, "/t/" + i, body, Map.of("te", "trailers")));
      }

      for (int i = 0; i < responses.size(); i++) {
        H2Client.Response response = join(responses.get(i));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("h2 h2 POST /t/" + i + " " + body.length);
        assertThat(response.trailers().get("x-body-sha256")).isEqualTo(H2Backend.sha256(body));
        assertThat(response.trailers().get("x-served-by")).isEqualTo("h2");
      }
    }
  }

  @Test
  void prometheusCountsTheUpstreamRequestsOfEachCluster() throws Exception {
    long h1Before = upstream2xx("h1");
    long h2Before = upstream2xx("h2");
    try (H2Client toH1 = H2Client.connect(sidecar.listenerPort(), H1_AUTHORITY);
        H2Client toH2 = H2Client.connect(sidecar.listenerPort(), H2_AUTHORITY)) {
      for (int i = 0; i < 6; i++) {
        assertThat(join(toH1.get("/count")).status()).isEqualTo(200);
      }
      for (int i = 0; i < 4; i++) {
        assertThat(join(toH2.get("/count")).status()).isEqualTo(200);
      }
    }

    await().atMost(Duration.ofSeconds(NO_HANG_SECONDS)).untilAsserted(() -> {
      assertThat(upstream2xx("h1")).isEqualTo(h1Before + 6);
      assertThat(upstream2xx("h2")).isEqualTo(h2Before + 4);
    });
  }

  @Test
  void largeBodiesCrossHttp2FlowControlBothWays() throws Exception {
    int size = 8 * 1024 * 1024;
    byte[] upload = pattern(size);
    try (H2Client toH1 = H2Client.connect(sidecar.listenerPort(), H1_AUTHORITY);
        H2Client toH2 = H2Client.connect(sidecar.listenerPort(), H2_AUTHORITY)) {
      CompletableFuture<H2Client.Response> download = toH1.get("/big?" + size);
      CompletableFuture<H2Client.Response> toHttp1 = toH1.send(HttpMethod.POST, "/up", upload, Map.of());
      CompletableFuture<H2Client.Response> toHttp2 = toH2.send(HttpMethod.POST, "/up", upload, Map.of());

      assertThat(join(download).status()).isEqualTo(200);
      assertThat(H2Backend.sha256(join(download).body())).isEqualTo(H2Backend.sha256(upload));
      assertThat(join(toHttp1).bodyText()).endsWith(" POST /up " + size + " " + H2Backend.sha256(upload));
      assertThat(join(toHttp2).bodyText()).isEqualTo("h2 h2 POST /up " + size);
      assertThat(join(toHttp2).trailers().get("x-body-sha256")).isEqualTo(H2Backend.sha256(upload));
    }
  }

  @Test
  void http1ClientStreamsAChunkedBodyToTheHttp2Upstream() throws Exception {
    byte[] upload = pattern(200_000);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    // An InputStream publisher has no known length: the JDK sends Transfer-Encoding: chunked.
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + sidecar.listenerPort() + "/chunked"))
            .timeout(Duration.ofSeconds(NO_HANG_SECONDS))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(upload)))
            .build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("h2 h2 POST /chunked " + upload.length);
  }

  @Test
  void reconnectsAfterTheHttp2UpstreamClosesItsConnection() throws Exception {
    try (H2Client client = H2Client.connect(sidecar.listenerPort(), H2_AUTHORITY)) {
      assertThat(join(client.get("/before")).status()).isEqualTo(200);
      int connectionsBefore = h2.connections();

      h2.closeConnections();
      await().atMost(Duration.ofSeconds(NO_HANG_SECONDS)).until(() -> gauge("corral_upstream_cx_active", "h2") == 0);

      H2Client.Response after = join(client.get("/after"));
      assertThat(after.status()).isEqualTo(200);
      assertThat(after.bodyText()).isEqualTo("h2 h2 GET /after 0");
      assertThat(h2.connections()).isEqualTo(connectionsBefore + 1);
    }
  }

  @Test
  void aFailingUpstreamFailsOnlyItsOwnStreams() throws Exception {
    try (H2Client toDead = H2Client.connect(sidecar.listenerPort(), DEAD_AUTHORITY)) {
      List<CompletableFuture<H2Client.Response>> dead = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        dead.add(toDead.get("/dead/" + i));
      }

      for (CompletableFuture<H2Client.Response> response : dead) {
        assertThat(join(response).status()).isEqualTo(503);
      }
      // The same connection still serves a stream whose :authority routes to a healthy cluster.
      H2Client.Response alive = join(toDead.send(HttpMethod.GET, "/alive", new byte[0], Map.of("host", H1_AUTHORITY)));
      assertThat(alive.status()).isEqualTo(200);
      assertThat(alive.bodyText()).startsWith("backend ");
      assertThat(join(toDead.get("/again")).status()).isEqualTo(503);
    }
  }

  private static byte[] pattern(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 7 + i / 4096);
    }
    return bytes;
  }

  private static long gauge(String metric, String cluster) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(sidecar.adminUri("/stats/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("(?m)^" + metric + "\\{cluster=\"" + cluster + "\"} (\\S+)$").matcher(response.body());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  private static long upstream2xx(String cluster) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(sidecar.adminUri("/stats/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("(?m)^corral_upstream_rq_total\\{cluster=\"" + cluster
        + "\",response_class=\"2xx\"} (\\S+)$").matcher(response.body());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }
}
