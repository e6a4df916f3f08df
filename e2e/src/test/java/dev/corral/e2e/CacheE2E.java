package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.corral.e2e.support.FilterSidecars;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.RawSidecars;
import dev.corral.e2e.support.SidecarProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP cache (RFC 9111) through the real sidecar, against a real origin. */
class CacheE2E {
  static HttpBackend origin;
  static SidecarProcess sidecar;
  static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static volatile boolean failing;

  @BeforeAll
  static void start() {
    origin = new HttpBackend("origin").handler(CacheE2E::answer);
    int admin = Ports.free();
    int listener = Ports.free();
    sidecar = RawSidecars.start(FilterSidecars.yaml(admin, listener, origin.port()), admin, listener);
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    origin.close();
  }

  private static void answer(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    var h = exchange.getResponseHeaders();
    long count = origin.seen().stream().filter(s -> s.uri().equals(exchange.getRequestURI().toString())).count();
    String body = method + " " + path + " #" + count + " accept=" + exchange.getRequestHeaders().getFirst("accept");
    int status = 200;
    if (!method.equals("GET") && !method.equals("HEAD")) {
      if (path.contains("/moved/")) {
        h.set("location", path.replace("/moved/", "/target/"));
      }
      status = 204;
    } else if (path.contains("/fresh/") || path.contains("/target/")) {
      h.set("cache-control", "max-age=60");
      h.set("etag", "\"v1\"");
    } else if (path.contains("/vary/")) {
      h.set("cache-control", "max-age=60");
      h.set("vary", "Accept");
    } else if (path.contains("/etag/")) {
      h.set("cache-control", "max-age=1");
      h.set("etag", "\"same\"");
      if ("\"same\"".equals(exchange.getRequestHeaders().getFirst("if-none-match"))) {
        h.set("x-revalidated", "yes");
        exchange.sendResponseHeaders(304, -1);
        exchange.close();
        return;
      }
    } else if (path.contains("/nostore/")) {
      h.set("cache-control", "no-store, max-age=60");
    } else if (path.contains("/private/")) {
      h.set("cache-control", "private, max-age=60");
    } else if (path.contains("/smaxage/")) {
      h.set("cache-control", "max-age=0, s-maxage=60");
    } else if (path.contains("/sie/")) {
      if (failing) {
        status = 500;
      } else {
        h.set("cache-control", "max-age=1");
      }
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (status == 204) {
      exchange.sendResponseHeaders(204, -1);
    } else {
      exchange.sendResponseHeaders(status, method.equals("HEAD") ? -1 : bytes.length);
      if (!method.equals("HEAD")) {
        exchange.getResponseBody().write(bytes);
      }
    }
    exchange.close();
  }

  private static HttpResponse<String> send(String method, String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(sidecar.uri(path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String cacheStatus(HttpResponse<?> r) {
    return r.headers().firstValue("cache-status").orElse("");
  }

  private static long originRequests(String path) {
    return origin.seen().stream().filter(s -> s.uri().equals(path)).count();
  }

  private static String fresh(String kind) {
    return "/k/" + kind + "/" + UUID.randomUUID();
  }

  @Test
  void freshResponseIsServedFromMemoryWithAgeAndCacheStatus() {
    String path = fresh("fresh");
    HttpResponse<String> first = send("GET", path);
    HttpResponse<String> second = send("GET", path);

    assertThat(cacheStatus(first)).isEqualTo("corral; fwd=uri-miss; fwd-status=200; stored");
    assertThat(cacheStatus(second)).startsWith("corral; hit; ttl=");
    assertThat(second.headers().firstValue("age")).isPresent();
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(originRequests(path)).isEqualTo(1);
    assertThat(RawSidecars.metric(sidecar, "corral_cache_total", "result=\"hit\"")).isPositive();
  }

  @Test
  void headAndClientConditionalRequestsAreAnsweredFromAStoredGet() {
    String path = fresh("fresh");
    send("GET", path);
    HttpResponse<String> head = send("HEAD", path);
    HttpResponse<String> conditional = send("GET", path, "if-none-match", "\"v1\"");

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(cacheStatus(head)).startsWith("corral; hit");
    assertThat(conditional.statusCode()).isEqualTo(304);
    assertThat(conditional.headers().firstValue("etag")).hasValue("\"v1\"");
    assertThat(originRequests(path)).isEqualTo(1);
  }

  @Test
  void varyOnAcceptKeepsSeparateEntries() {
    String path = fresh("vary");
    HttpResponse<String> json = send("GET", path, "accept", "application/json");
    HttpResponse<String> text = send("GET", path, "accept", "text/plain");
    HttpResponse<String> jsonAgain = send("GET", path, "accept", "application/json");

    assertThat(json.body()).endsWith("accept=application/json");
    assertThat(text.body()).endsWith("accept=text/plain");
    assertThat(jsonAgain.body()).isEqualTo(json.body());
    assertThat(cacheStatus(jsonAgain)).startsWith("corral; hit");
    assertThat(originRequests(path)).isEqualTo(2);
  }

  @Test
  void differentAuthorizationIsADifferentEntry() {
    String path = fresh("smaxage"); // s-maxage makes an authorized response storable (§3.5)
    send("GET", path, "authorization", "Bearer alice");
    HttpResponse<String> bob = send("GET", path, "authorization", "Bearer bob");
    HttpResponse<String> alice = send("GET", path, "authorization", "Bearer alice");

    assertThat(cacheStatus(bob)).contains("fwd=");
    assertThat(cacheStatus(alice)).startsWith("corral; hit");
    assertThat(originRequests(path)).isEqualTo(2);
  }

  @Test
  void staleResponseIsRevalidatedAndA304IsMerged() throws Exception {
    String path = fresh("etag");
    HttpResponse<String> first = send("GET", path);
    Thread.sleep(2100); // max-age=1 runs out
    HttpResponse<String> second = send("GET", path);

    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(cacheStatus(second)).contains("fwd=stale").contains("fwd-status=304");
    assertThat(second.headers().firstValue("x-revalidated")).hasValue("yes"); // merged from the 304
    assertThat(origin.seen().stream().filter(s -> s.uri().equals(path)).toList().get(1).headers()
        .getFirst("if-none-match")).isEqualTo("\"same\"");
  }

  @Test
  void noStoreIsNeverStored() {
    String path = fresh("nostore");
    send("GET", path);
    HttpResponse<String> second = send("GET", path);
    assertThat(cacheStatus(second)).contains("detail=no-store");
    assertThat(originRequests(path)).isEqualTo(2);
  }

  @Test
  void privateIsNotStoredInTheSharedCache() {
    String path = fresh("private");
    send("GET", path);
    send("GET", path);
    assertThat(originRequests(path)).isEqualTo(2);
  }

  @Test
  void sMaxAgeWinsOverMaxAgeZero() {
    String path = fresh("smaxage");
    send("GET", path);
    assertThat(cacheStatus(send("GET", path))).startsWith("corral; hit");
    assertThat(originRequests(path)).isEqualTo(1);
  }

  @Test
  void requestNoCacheRevalidates() {
    String path = fresh("fresh");
    send("GET", path);
    HttpResponse<String> forced = send("GET", path, "cache-control", "no-cache");
    assertThat(cacheStatus(forced)).contains("fwd=request");
    assertThat(originRequests(path)).isEqualTo(2);
  }

  @Test
  void staleIfErrorServesTheStoredResponseWhenTheOriginFails() throws Exception {
    String path = fresh("sie");
    HttpResponse<String> first = send("GET", path);
    Thread.sleep(2100);
    failing = true;
    try {
      HttpResponse<String> second = send("GET", path);
      assertThat(second.statusCode()).isEqualTo(200);
      assertThat(second.body()).isEqualTo(first.body());
      assertThat(cacheStatus(second)).contains("fwd-status=500").contains("detail=stale-if-error");
    } finally {
      failing = false;
    }
  }

  @Test
  void putAndDeleteInvalidateTheStoredResponse() {
    String path = fresh("fresh");
    send("GET", path);
    assertThat(cacheStatus(send("GET", path))).startsWith("corral; hit");
    send("PUT", path);
    assertThat(cacheStatus(send("GET", path))).contains("fwd=uri-miss");
    send("DELETE", path);
    assertThat(cacheStatus(send("GET", path))).contains("fwd=uri-miss");
    assertThat(origin.seen().stream().filter(s -> s.uri().equals(path) && s.method().equals("GET")).count())
        .isEqualTo(3);
  }

  @Test
  void locationOfAnUnsafeResponseIsInvalidatedToo() {
    String id = UUID.randomUUID().toString();
    String target = "/k/target/" + id;
    send("GET", target);
    assertThat(cacheStatus(send("GET", target))).startsWith("corral; hit");
    send("POST", "/k/moved/" + id);
    assertThat(cacheStatus(send("GET", target))).contains("fwd=uri-miss");
  }
}
