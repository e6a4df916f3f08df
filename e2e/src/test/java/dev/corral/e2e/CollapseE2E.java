package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import dev.corral.e2e.support.FilterSidecars;
import dev.corral.e2e.support.H2Client;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.RawHttpConnection;
import dev.corral.e2e.support.RawSidecars;
import dev.corral.e2e.support.SidecarProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Collapsed forwarding through the real sidecar, against a real (slow, streaming) origin. */
class CollapseE2E {
  static HttpBackend origin;
  static SidecarProcess sidecar;
  static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  static volatile CountDownLatch firstChunkRead = new CountDownLatch(1);
  static final AtomicBoolean originFinished = new AtomicBoolean();
  static volatile CountDownLatch bodyReleased = new CountDownLatch(1);

  @BeforeAll
  static void start() {
    origin = new HttpBackend("origin").handler(CollapseE2E::answer);
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
    String path = exchange.getRequestURI().getPath();
    byte[] body = ("body of " + exchange.getRequestURI() + " for "
        + exchange.getRequestHeaders().getFirst("authorization")).getBytes(StandardCharsets.UTF_8);
    try {
      if (path.contains("/chunked/")) {
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (int i = 0; i < 10; i++) {
          out.write(("chunk " + i + "\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          if (i == 0) {
            firstChunkRead.await(20, TimeUnit.SECONDS); // the rest only once a follower saw chunk 0
          }
        }
        originFinished.set(true);
        out.close();
        return;
      }
      if (path.contains("/headfirst/")) {
        Thread.sleep(300); // long enough for a follower to join before the head
        exchange.sendResponseHeaders(200, 0);
        bodyReleased.await(20, TimeUnit.SECONDS); // the body only once the test saw the heads
        exchange.getResponseBody().write("late body\n".getBytes(StandardCharsets.UTF_8));
        exchange.close();
        return;
      }
      if (path.contains("/slow/")) {
        Thread.sleep(path.contains("/slower/") ? 1500 : 400);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    exchange.getResponseHeaders().set("content-type", "text/plain");
    if (path.contains("/private/")) {
      exchange.getResponseHeaders().set("cache-control", "private");
    }
    if (path.contains("/vary/")) {
      body = ("body for " + exchange.getRequestHeaders().getFirst("accept-language")).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("vary", "Accept-Language");
    }
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static long originRequests(String path) {
    return origin.seen().stream().filter(s -> s.uri().startsWith(path)).count();
  }

  /**
   * Until the leader's fetch reached the origin: requests sent after it join that fetch. (A fixed
   * sleep was not enough on a loaded machine: a later request was read first and led.)
   */
  private static void awaitOriginSaw(String path) {
    await().atMost(Duration.ofSeconds(10)).until(() -> originRequests(path) == 1);
  }

  private static HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(sidecar.uri(path)).timeout(Duration.ofSeconds(20));
  }

  @Test
  void fiftyConcurrentIdenticalGetsOfASlowColdKeyMakeOneOriginRequest() {
    String path = "/c/slow/" + UUID.randomUUID();
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(client.sendAsync(get(path).build(), HttpResponse.BodyHandlers.ofString()));
    }
    List<HttpResponse<String>> responses = all.stream().map(CompletableFuture::join).toList();

    assertThat(originRequests(path)).isEqualTo(1);
    assertThat(responses).allSatisfy(r -> {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("body of " + path + " for null");
    });
    assertThat(responses).filteredOn(r -> r.headers().firstValue("x-corral-collapsed").isPresent()).hasSize(49)
        .allSatisfy(r -> assertThat(r.headers().firstValue("x-corral-collapsed")).hasValue("follower"));
    assertThat(RawSidecars.metric(sidecar, "corral_collapse_total", "role=\"follower\"")).isGreaterThanOrEqualTo(49);
  }

  @Test
  void aResponseThatVariesIsSharedOnlyWithFollowersThatSentTheSameValues() {
    String path = "/c/slow/vary/" + UUID.randomUUID();
    // Accept-Language is not a key header (Accept is, by default): only the response's Vary tells them apart.
    var a = client.sendAsync(get(path).header("accept-language", "en").build(), HttpResponse.BodyHandlers.ofString());
    awaitOriginSaw(path); // a leads
    var b = client.sendAsync(get(path).header("accept-language", "fr").build(), HttpResponse.BodyHandlers.ofString());
    var a2 = client.sendAsync(get(path).header("accept-language", "en").build(), HttpResponse.BodyHandlers.ofString());

    // One joined fetch; once its head names Vary: Accept-Language, whoever asked for another
    // language than the fetch's fetches on its own.
    assertThat(List.of(a.join(), b.join(), a2.join())).extracting(HttpResponse::body)
        .containsExactly("body for en", "body for fr", "body for en");
    assertThat(a2.join().headers().firstValue("x-corral-collapsed")).hasValue("follower");
    assertThat(originRequests(path)).isEqualTo(2);
  }

  @Test
  void acrossCredentialsAPublicResponseIsSharedAndAPrivateOneIsNot() {
    for (String kind : List.of("public", "private")) {
      String path = "/s/slow/" + kind + "/" + UUID.randomUUID();
      var alice = client.sendAsync(get(path).header("authorization", "Bearer alice").build(),
          HttpResponse.BodyHandlers.ofString());
      awaitOriginSaw(path); // alice leads
      var bob = client.sendAsync(get(path).header("authorization", "Bearer bob").build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(alice.join().body()).endsWith("Bearer alice");
      if (kind.equals("public")) {
        assertThat(bob.join().body()).endsWith("Bearer alice"); // the key leaves credentials out: shared
        assertThat(originRequests(path)).isEqualTo(1);
      } else {
        assertThat(bob.join().body()).endsWith("Bearer bob"); // private: bob fetches his own
        assertThat(originRequests(path)).isEqualTo(2);
      }
    }
  }

  @Test
  void differentAuthorizationMakesTwoUpstreamRequests() {
    String path = "/c/slow/" + UUID.randomUUID();
    var alice = client.sendAsync(get(path).header("authorization", "Bearer alice").build(),
        HttpResponse.BodyHandlers.ofString());
    var bob = client.sendAsync(get(path).header("authorization", "Bearer bob").build(),
        HttpResponse.BodyHandlers.ofString());
    var alice2 = client.sendAsync(get(path).header("authorization", "Bearer alice").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(alice.join().body()).endsWith("Bearer alice");
    assertThat(bob.join().body()).endsWith("Bearer bob");
    assertThat(alice2.join().body()).endsWith("Bearer alice");
    assertThat(originRequests(path)).isEqualTo(2);
  }

  @Test
  void firstClientDisconnectingLeavesTheOthersUnaffected() throws Exception {
    String path = "/c/slow/" + UUID.randomUUID();
    try (Socket first = new Socket("127.0.0.1", sidecar.listenerPort())) {
      first.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + sidecar.listenerPort() + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      first.getOutputStream().flush();
      awaitOriginSaw(path); // the leader's fetch is on its way
    } // and the leader is gone
    List<CompletableFuture<HttpResponse<String>>> others = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      others.add(client.sendAsync(get(path).build(), HttpResponse.BodyHandlers.ofString()));
    }
    assertThat(others).allSatisfy(f -> {
      HttpResponse<String> r = f.join();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("body of " + path + " for null");
    });
    assertThat(originRequests(path)).isEqualTo(1);
  }

  @Test
  void followerThatWaitedMaxWaitGoesUpstreamItself() throws Exception {
    String path = "/w/slow/slower/" + UUID.randomUUID();
    var leader = client.sendAsync(get(path).build(), HttpResponse.BodyHandlers.ofString());
    awaitOriginSaw(path);
    var follower = client.sendAsync(get(path).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(leader.join().statusCode()).isEqualTo(200);
    HttpResponse<String> own = follower.join();
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(own.headers().firstValue("x-corral-collapsed")).isEmpty();
    assertThat(originRequests(path)).isEqualTo(2);
  }

  @Test
  void followersReceiveTheFirstChunkBeforeTheOriginFinishes() throws Exception {
    firstChunkRead = new CountDownLatch(1);
    originFinished.set(false);
    String path = "/c/chunked/" + UUID.randomUUID();
    var leader = client.sendAsync(get(path).build(), HttpResponse.BodyHandlers.ofInputStream());
    awaitOriginSaw(path);
    HttpResponse<InputStream> follower = client.send(get(path).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(follower.headers().firstValue("x-corral-collapsed")).hasValue("follower");
    InputStream in = follower.body();
    byte[] first = new byte["chunk 0\n".length()];
    int read = 0;
    while (read < first.length) {
      int n = in.read(first, read, first.length - read);
      assertThat(n).isPositive();
      read += n;
    }
    assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("chunk 0\n");
    assertThat(originFinished).isFalse(); // the origin is still held at chunk 0
    firstChunkRead.countDown();
    String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    assertThat(rest).startsWith("chunk 1\n").endsWith("chunk 9\n");
    assertThat(new String(leader.join().body().readAllBytes(), StandardCharsets.UTF_8)).endsWith("chunk 9\n");
    assertThat(originRequests(path)).isEqualTo(1);
  }

  @Test
  void followersGetTheHeadWhileTheOriginHoldsTheBody() throws Exception {
    // The shared fetch holds a head for its first body bytes; this body never comes until the
    // heads were seen, so only the hold running out can send them.
    bodyReleased = new CountDownLatch(1);
    String path = "/c/headfirst/" + UUID.randomUUID();
    var leader = client.sendAsync(get(path).build(), HttpResponse.BodyHandlers.ofInputStream());
    awaitOriginSaw(path);
    HttpResponse<InputStream> follower = client.send(get(path).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(follower.headers().firstValue("x-corral-collapsed")).hasValue("follower");
    HttpResponse<InputStream> first = leader.get(20, TimeUnit.SECONDS);
    assertThat(bodyReleased.getCount()).isEqualTo(1); // both heads arrived while the origin held the body
    bodyReleased.countDown();
    assertThat(new String(follower.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("late body\n");
    assertThat(new String(first.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("late body\n");
    assertThat(originRequests(path)).isEqualTo(1);
  }

  @Test
  void keepAliveFollowerGetsTheHeadersOfAnyFollowerAndServesItsNextRequests() throws Exception {
    // A keep-alive follower gets the response encoded once for all of them; one that asked to
    // close, and one on HTTP/2, get their own copies. Cached route: Cache-Status is among the
    // per-request headers.
    String path = "/k/slow/" + UUID.randomUUID();
    String authority = "127.0.0.1:" + sidecar.listenerPort();
    String host = "Host: " + authority + "\r\n";
    try (RawHttpConnection leader = new RawHttpConnection(sidecar.listenerPort());
        RawHttpConnection keepAlive = new RawHttpConnection(sidecar.listenerPort());
        RawHttpConnection closing = new RawHttpConnection(sidecar.listenerPort());
        H2Client h2 = H2Client.connect(sidecar.listenerPort(), authority)) {
      leader.send("GET " + path + " HTTP/1.1\r\n" + host + "\r\n");
      awaitOriginSaw(path); // the leader's fetch is on its way
      keepAlive.send("GET " + path + " HTTP/1.1\r\n" + host + "\r\n");
      closing.send("GET " + path + " HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
      CompletableFuture<H2Client.Response> overHttp2 = h2.get(path);

      RawHttpConnection.Response first = leader.read();
      RawHttpConnection.Response shared = keepAlive.read();
      RawHttpConnection.Response own = closing.read();
      assertThat(first.body()).isEqualTo("body of " + path + " for null");
      assertThat(shared.status()).isEqualTo(200);
      assertThat(shared.body()).isEqualTo(first.body());
      assertThat(shared.header("x-corral-collapsed")).isEqualTo("follower");
      assertThat(shared.header("cache-status")).isNotNull();
      assertThat(shared.header("connection")).isNull();
      assertThat(own.header("connection")).isEqualTo("close");
      Map<String, List<String>> ownHeaders = new java.util.LinkedHashMap<>(own.headers());
      ownHeaders.remove("connection");
      assertThat(List.copyOf(shared.headers().entrySet())).isEqualTo(List.copyOf(ownHeaders.entrySet()));
      assertThat(own.body()).isEqualTo(first.body());
      assertThat(closing.closedByPeer()).isTrue();
      H2Client.Response stream = overHttp2.get(20, TimeUnit.SECONDS);
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.bodyText()).isEqualTo(first.body());
      assertThat(stream.headers().get("x-corral-collapsed")).isEqualTo("follower");
      assertThat(stream.headers().get("cache-status")).isEqualTo(shared.header("cache-status"));

      // The same connection goes on: a HEAD (no body follows its head), then a GET (its body does).
      String next = "/c/" + UUID.randomUUID();
      keepAlive.send("HEAD " + next + " HTTP/1.1\r\n" + host + "\r\n");
      RawHttpConnection.Response head = keepAlive.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("x-corral-collapsed")).isNull();
      keepAlive.send("GET " + next + " HTTP/1.1\r\n" + host + "\r\n");
      RawHttpConnection.Response after = keepAlive.read();
      assertThat(after.status()).isEqualTo(200);
      assertThat(after.body()).isEqualTo("body of " + next + " for null");
      assertThat(after.header("x-corral-collapsed")).isNull();
    }
    assertThat(originRequests(path)).isEqualTo(1);
  }

  @Test
  void leaderAndFollowersPastTheRouteTimeoutGet504() {
    String path = "/t/slow/slower/" + UUID.randomUUID(); // the origin takes 1.5 s, the route allows 0.5 s
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(client.sendAsync(get(path).build(), HttpResponse.BodyHandlers.ofString()));
    }
    assertThat(all).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(504));
    assertThat(originRequests(path)).isEqualTo(1);
  }
}
