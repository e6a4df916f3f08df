package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.H2Backend;
import dev.corral.e2e.support.H2Client;
import dev.corral.e2e.support.HttpBackend;
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
  private static final long NO_HANG_SECONDS = 20;

  static List<HttpBackend> backends;
  static H2Backend h2;
  static SidecarProcess sidecar;

  @BeforeAll
  static void start() {
    backends = List.of(new HttpBackend("a"), new HttpBackend("b"), new HttpBackend("c"));
    backends.forEach(b -> b.handler(exchange -> {
      byte[] received = exchange.getRequestBody().readAllBytes();
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

  private static long upstream2xx(String cluster) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(sidecar.adminUri("/stats/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("(?m)^corral_upstream_rq_total\\{cluster=\"" + cluster
        + "\",response_class=\"2xx\"} (\\S+)$").matcher(response.body());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }
}
