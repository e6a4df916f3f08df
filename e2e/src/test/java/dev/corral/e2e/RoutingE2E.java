package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.RawBackend;
import dev.corral.e2e.support.RawHttpConnection;
import dev.corral.e2e.support.RawSidecars;
import dev.corral.e2e.support.SidecarProcess;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Virtual-host routing and the headers a proxy owes the upstream, through the real sidecar. The
 * bootstrap has no {@code *} domain, so an unknown host is a 404.
 */
class RoutingE2E {
  static HttpBackend hello;
  static HttpBackend world;
  static HttpBackend fallback;
  static RawBackend hops;
  static SidecarProcess sidecar;

  @BeforeAll
  static void start() {
    hello = new HttpBackend("hello");
    world = new HttpBackend("world");
    fallback = new HttpBackend("fallback");
    hops = new RawBackend(socket -> {
      // Answers every request on the connection with hop-by-hop headers of its own.
      while (!RawBackend.readHead(socket.getInputStream()).isEmpty()) {
        socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nConnection: x-hop\r\nX-Hop: for-the-proxy\r\n"
            + "Keep-Alive: timeout=5\r\nX-End-To-End: kept\r\nContent-Length: 2\r\n\r\nok")
            .getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
      }
    });
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("fallback", fallback.port());
    bootstrap.cluster("hello", hello.port());
    bootstrap.cluster("world", world.port());
    bootstrap.cluster("hops", hops.port());
    bootstrap.virtualHost("hello", "hello");
    bootstrap.virtualHost("world", "world:9090");
    bootstrap.virtualHost("hops", "hops");
    String yaml = RawSidecars.edit(bootstrap.yaml(), "domains: [\"*\"]", "domains: [\"fallback.local\"]");
    sidecar = RawSidecars.start(yaml, bootstrap.adminPort(), bootstrap.listenerPort(), "--concurrency", "1");
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    List.of(hello, world, fallback).forEach(HttpBackend::close);
    hops.close();
  }

  private static RawHttpConnection.Response get(String target, String host, String... extraHeaders) {
    try (RawHttpConnection c = new RawHttpConnection(sidecar.listenerPort())) {
      StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
      for (String header : extraHeaders) {
        request.append(header).append("\r\n");
      }
      return c.send(request.append("\r\n").toString()).read();
    }
  }

  /** The headers the backend saw for the one request to {@code path}. */
  private static Headers seenBy(HttpBackend backend, String path) {
    List<HttpBackend.Seen> matching = backend.seen().stream().filter(s -> s.uri().equals(path)).toList();
    assertThat(matching).as("requests to %s seen by backend %s", path, backend.name()).hasSize(1);
    return matching.get(0).headers();
  }

  private static String uniquePath() {
    return "/r/" + UUID.randomUUID();
  }

  @Test
  void routesByHostHeaderWithoutPort() {
    assertThat(get("/a", "hello").body()).isEqualTo("backend hello");
    assertThat(get("/a", "HELLO").body()).isEqualTo("backend hello");
  }

  @Test
  void routesByHostHeaderWithPortByTryingTheHostAlone() {
    assertThat(get("/a", "hello:8080").body()).isEqualTo("backend hello");
  }

  @Test
  void domainWithPortMatchesOnlyThatPort() {
    assertThat(get("/a", "world:9090").body()).isEqualTo("backend world");
    assertThat(get("/a", "world:9091").status()).isEqualTo(404);
    assertThat(get("/a", "world").status()).isEqualTo(404);
  }

  @Test
  void unknownHostIsA404ThatNoBackendSees() {
    int before = hello.requests() + world.requests() + fallback.requests();

    RawHttpConnection.Response response = get("/nowhere", "nowhere.example");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.body()).contains("nowhere.example");
    assertThat(hello.requests() + world.requests() + fallback.requests()).isEqualTo(before);
  }

  @Test
  void explicitProxyRoutesAbsoluteFormByItsAuthorityAndSendsOriginForm() {
    String path = uniquePath();
    // The absolute-form authority wins over a contradicting Host header (RFC 9112 §3.2.2).
    RawHttpConnection.Response response = get("http://hello:8080" + path + "?q=1", "world:9090");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("backend hello");
    Headers seen = seenBy(hello, path + "?q=1");
    assertThat(seen.getFirst("Host")).isEqualTo("hello:8080");
  }

  @Test
  void explicitProxyWorksForAJavaClientWithAProxySelector() throws Exception {
    HttpClient client = HttpClient.newBuilder()
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", sidecar.listenerPort())))
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .build();
    String path = uniquePath();

    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create("http://hello:8080" + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("backend hello");
    assertThat(seenBy(hello, path).getFirst("Host")).isEqualTo("hello:8080");
  }

  @Test
  void appendsClientAddressToXForwardedFor() {
    String given = uniquePath();
    String absent = uniquePath();

    get(given, "hello", "X-Forwarded-For: 203.0.113.7");
    get(absent, "hello");

    assertThat(seenBy(hello, given).get("X-Forwarded-For")).containsExactly("203.0.113.7, 127.0.0.1");
    assertThat(seenBy(hello, absent).get("X-Forwarded-For")).containsExactly("127.0.0.1");
  }

  @Test
  void setsXForwardedProtoToHttp() {
    String path = uniquePath();

    get(path, "hello");

    assertThat(seenBy(hello, path).get("X-Forwarded-Proto")).containsExactly("http");
  }

  @Test
  void generatesXRequestIdWhenAbsent() {
    String first = uniquePath();
    String second = uniquePath();

    get(first, "hello");
    get(second, "hello");

    String id1 = seenBy(hello, first).getFirst("X-Request-Id");
    String id2 = seenBy(hello, second).getFirst("X-Request-Id");
    assertThat(id1).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(id2).isNotEqualTo(id1);
  }

  @Test
  void keepsXRequestIdWhenPresent() {
    String path = uniquePath();

    get(path, "hello", "X-Request-Id: from-the-client-42");

    assertThat(seenBy(hello, path).get("X-Request-Id")).containsExactly("from-the-client-42");
  }

  @Test
  void bodilessGetReachesTheBackendWithoutBodyFraming() {
    String path = uniquePath();

    get(path, "hello");

    Headers seen = seenBy(hello, path);
    assertThat(seen.containsKey("Transfer-Encoding")).as("Transfer-Encoding on a GET without body: %s",
        seen.get("Transfer-Encoding")).isFalse();
  }

  @Test
  void removesHopByHopHeadersBeforeTheBackend() {
    String path = uniquePath();

    RawHttpConnection.Response response = get(path, "hello",
        "Connection: keep-alive, foo",
        "Foo: secret-for-the-next-hop-only",
        "Keep-Alive: timeout=5",
        "Proxy-Connection: keep-alive",
        "X-End-To-End: kept");

    assertThat(response.status()).isEqualTo(200);
    Headers seen = seenBy(hello, path);
    assertThat(seen.get("X-End-To-End")).containsExactly("kept");
    assertThat(seen.containsKey("Foo")).as("header named by Connection").isFalse();
    assertThat(seen.containsKey("Keep-Alive")).isFalse();
    assertThat(seen.containsKey("Proxy-Connection")).isFalse();
    // The sidecar's own connection to the backend may say what it likes, but not echo the client's tokens.
    List<String> connection = seen.get("Connection");
    if (connection != null) {
      assertThat(String.join(",", connection).toLowerCase()).doesNotContain("foo");
    }
  }

  @Test
  void removesHopByHopHeadersFromTheResponse() {
    RawHttpConnection.Response response = get("/r", "hops");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
    assertThat(response.header("x-end-to-end")).isEqualTo("kept");
    assertThat(response.headers()).doesNotContainKeys("x-hop", "keep-alive");
    assertThat(response.header("connection")).isNull();
  }

  @Test
  void pipelinedRequestAfterA404IsStillAnswered() {
    try (RawHttpConnection c = new RawHttpConnection(sidecar.listenerPort())) {
      c.send("GET /a HTTP/1.1\r\nHost: nowhere.example\r\n\r\n"
          + "GET /b HTTP/1.1\r\nHost: hello\r\n\r\n");

      assertThat(c.read().status()).isEqualTo(404);
      RawHttpConnection.Response second = c.read();
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.body()).isEqualTo("backend hello");
    }
  }

  @Test
  void connectionStaysUsableAfterA404() {
    try (RawHttpConnection c = new RawHttpConnection(sidecar.listenerPort())) {
      assertThat(c.send("GET /a HTTP/1.1\r\nHost: nowhere.example\r\n\r\n").read().status()).isEqualTo(404);
      assertThat(c.send("GET /b HTTP/1.1\r\nHost: hello\r\n\r\n").read().body()).isEqualTo("backend hello");
    }
  }
}
