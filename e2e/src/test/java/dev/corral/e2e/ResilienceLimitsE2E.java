package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.corral.e2e.support.FaultBootstrap;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.RawHttpConnection;
import dev.corral.e2e.support.RawSidecars;
import dev.corral.e2e.support.SidecarProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Limits on what the sidecar sends upstream, through the real sidecar process: the retry budget
 * when every host fails, max_requests under a burst of slow requests, and which POSTs are retried.
 */
class ResilienceLimitsE2E {
  static List<HttpBackend> budgetBackends;
  static HttpBackend slow;
  static HttpBackend postFailing;
  static HttpBackend postEcho;
  static HttpBackend optInFailing;
  static int closedPort;
  static SidecarProcess sidecar;

  @BeforeAll
  static void start() {
    budgetBackends = List.of(
        new HttpBackend("u1").handler(ResilienceLimitsE2E::answer503),
        new HttpBackend("u2").handler(ResilienceLimitsE2E::answer503),
        new HttpBackend("u3").handler(ResilienceLimitsE2E::answer503));
    slow = new HttpBackend("slow").handler(exchange -> {
      try {
        Thread.sleep(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      answer(exchange, 200, "slow");
    });
    postFailing = new HttpBackend("post-failing").handler(ResilienceLimitsE2E::answer503);
    postEcho = new HttpBackend("echo").handler(exchange ->
        answer(exchange, 200, "got " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
    optInFailing = new HttpBackend("opt-in-failing").handler(ResilienceLimitsE2E::answer503);
    closedPort = Ports.free(); // nothing listens there

    FaultBootstrap bootstrap = new FaultBootstrap()
        // Retries in flight <= max(min_retry_concurrency, budget_percent × (requests in flight +
        // pending)) = max(1, 20 % × at most 40) <= 8, while 40 clients keep failing: most 503s find
        // the budget spent and are passed on, not retried 3 times. max_retries is set far above
        // so that it is the budget that binds (Envoy ignores max_retries when a budget is set).
        // Without the budget every request would be tried 4 times (4x upstream load). The 100 ms
        // back-off makes a retrying request slow next to a plain one, so the few budget slots
        // stay a small share of the upstream load even when the machine is slow.
        .cluster("budget", ", retry_policy: { retry_on: 5xx, num_retries: 3,"
                + " retry_back_off: { base_interval: 0.1s } }",
            "    circuit_breakers: { thresholds: [{ max_retries: 1000,"
                + " retry_budget: { budget_percent: { value: 20 }, min_retry_concurrency: 1 } }] }",
            budgetBackends.stream().mapToInt(HttpBackend::port).toArray())
        .cluster("limited", "", "    circuit_breakers: { thresholds: [{ max_requests: 10 }] }", slow.port())
        .cluster("post5xx", ", retry_policy: { retry_on: \"5xx,connect-failure\", num_retries: 2 }", "",
            postFailing.port())
        .cluster("postrefused", ", retry_policy: { retry_on: \"5xx,connect-failure\", num_retries: 2,"
                + " retry_host_predicate: [{ name: envoy.retry_host_predicates.previous_hosts }] }", "",
            closedPort, postEcho.port())
        .cluster("postoptin", ", retry_policy: { retry_on: 5xx, num_retries: 2, retriable_request_headers:"
                + " [{ name: \":method\", string_match: { exact: POST } }] }", "",
            optInFailing.port());
    sidecar = bootstrap.start("--concurrency", "2");
  }

  @AfterAll
  static void stop() {
    if (sidecar != null) {
      sidecar.close();
    }
    budgetBackends.forEach(HttpBackend::close);
    List.of(slow, postFailing, postEcho, optInFailing).forEach(HttpBackend::close);
  }

  private static void answer503(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    answer(exchange, 503, "down");
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static double metric(String name, String cluster, String... more) {
    String[] labels = new String[more.length + 1];
    labels[0] = "cluster=\"" + cluster + "\"";
    System.arraycopy(more, 0, labels, 1, more.length);
    return RawSidecars.metric(sidecar, name, labels);
  }

  private static RawHttpConnection.Response send(String request) {
    try (RawHttpConnection c = new RawHttpConnection(sidecar.listenerPort())) {
      return c.send(request).read();
    }
  }

  private static String post(String host, String body) {
    return "POST /submit HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body;
  }

  @Test
  void retryBudgetKeepsUpstreamLoadNearTheClientLoadWhenEveryHostFails() throws Exception {
    double overflows = metric("corral_upstream_rq_retry_overflow_total", "budget");
    double retries = metric("corral_upstream_rq_retry_total", "budget");
    int upstreamBefore = budgetBackends.stream().mapToInt(HttpBackend::requests).sum();
    AtomicInteger clientRequests = new AtomicInteger();
    AtomicLong slowestMillis = new AtomicLong();
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

    // 40 clients on keep-alive connections, each sending GET after GET for 2 s.
    ExecutorService clients = Executors.newFixedThreadPool(40);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    List<Future<?>> running = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      running.add(clients.submit(() -> {
        try (RawHttpConnection c = new RawHttpConnection(sidecar.listenerPort())) {
          while (System.nanoTime() < end) {
            long start = System.nanoTime();
            // Fails by itself (read timeout) if the sidecar leaves a request hanging.
            RawHttpConnection.Response response = c.send("GET /x HTTP/1.1\r\nHost: budget\r\n\r\n").read();
            slowestMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
            clientRequests.incrementAndGet();
            if (response.status() != 503 || !response.body().equals("down")) {
              unexpected.add(response.status() + " " + response.body());
            }
          }
        } catch (UncheckedIOException e) {
          unexpected.add(e.toString());
        }
      }));
    }
    for (Future<?> client : running) {
      client.get(30, TimeUnit.SECONDS);
    }
    clients.shutdown();

    int upstream = budgetBackends.stream().mapToInt(HttpBackend::requests).sum() - upstreamBefore;
    System.out.printf("ResilienceLimitsE2E: %d client requests, %d upstream requests (%.2fx)%n",
        clientRequests.get(), upstream, (double) upstream / Math.max(1, clientRequests.get()));
    assertThat(unexpected).as("every client gets the upstream's 503").isEmpty();
    assertThat(slowestMillis.get()).as("503 promptly, never a hang (a bound, not a benchmark)").isLessThan(2000);
    assertThat(clientRequests.get()).isPositive();
    // Without the budget each request would be tried 4 times.
    assertThat((double) upstream).as("upstream requests for %d client requests", clientRequests.get())
        .isLessThanOrEqualTo(1.2 * clientRequests.get());
    assertThat(metric("corral_upstream_rq_retry_overflow_total", "budget") - overflows).isPositive();
    assertThat(metric("corral_upstream_rq_retry_total", "budget") - retries).as("the budget admits some").isPositive();
  }

  @Test
  void maxRequestsRefusesTheOverflowAtOnceWithTheOverloadedHeader() throws Exception {
    double overflows = metric("corral_upstream_overflow_total", "limited", "limit=\"max_requests\"");
    int seen = slow.requests();
    ExecutorService clients = Executors.newFixedThreadPool(50);
    CountDownLatch connected = new CountDownLatch(50);
    List<Future<long[]>> results = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      results.add(clients.submit(() -> {
        try (RawHttpConnection c = new RawHttpConnection(sidecar.listenerPort())) {
          connected.countDown();
          connected.await(); // all 50 connected: send them together, within the backend's 2 s
          long start = System.nanoTime();
          RawHttpConnection.Response response = c.send("GET /slow HTTP/1.1\r\nHost: limited\r\n\r\n").read();
          long millis = (System.nanoTime() - start) / 1_000_000;
          boolean overloaded = "true".equals(response.header("x-corral-overloaded"));
          return new long[] {response.status(), overloaded ? 1 : 0, millis};
        }
      }));
    }
    int ok = 0;
    int refused = 0;
    for (Future<long[]> result : results) {
      long[] r = result.get(30, TimeUnit.SECONDS);
      if (r[0] == 200) {
        assertThat(r[1]).as("a success is not marked overloaded").isZero();
        ok++;
      } else {
        assertThat(r[0]).isEqualTo(503);
        assertThat(r[1]).as("x-corral-overloaded: true").isEqualTo(1);
        assertThat(r[2]).as("refused at once, not after the 2 s the backend takes").isLessThan(1000);
        refused++;
      }
    }
    clients.shutdown();

    assertThat(ok).isEqualTo(10);
    assertThat(refused).isEqualTo(40);
    assertThat(slow.requests() - seen).isEqualTo(10);
    assertThat(metric("corral_upstream_overflow_total", "limited", "limit=\"max_requests\"") - overflows)
        .isEqualTo(40);
  }

  @Test
  void postAnswered503IsNotRetriedByDefault() {
    long postsBefore = postFailing.seen().stream().filter(s -> s.method().equals("POST")).count();
    int before = postFailing.requests();

    RawHttpConnection.Response response = send(post("post5xx", "order=1"));

    assertThat(response.status()).isEqualTo(503);
    assertThat(postFailing.requests() - before).as("the POST reached the backend once").isEqualTo(1);
    assertThat(postFailing.seen().stream().filter(s -> s.method().equals("POST")).count() - postsBefore)
        .isEqualTo(1);

    // The same route does retry a GET: it is the method that stops the retry, not the policy.
    int beforeGet = postFailing.requests();
    assertThat(send("GET /x HTTP/1.1\r\nHost: post5xx\r\n\r\n").status()).isEqualTo(503);
    assertThat(postFailing.requests() - beforeGet).isEqualTo(3);
  }

  @Test
  void postWhoseFirstTryCouldNotConnectIsRetriedWithItsBody() {
    double connectFailures = metric("corral_upstream_cx_connect_fail_total", "postrefused");
    double retries = metric("corral_upstream_rq_retry_total", "postrefused", "reason=\"connect-failure\"");

    // Over two event loops, round robin alternates the closed port and the live host per loop, so
    // some of these POSTs try the closed port first.
    for (int i = 0; i < 6; i++) {
      RawHttpConnection.Response response = send(post("postrefused", "order=" + i));

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("got order=" + i);
    }
    assertThat(metric("corral_upstream_cx_connect_fail_total", "postrefused") - connectFailures).isPositive();
    assertThat(metric("corral_upstream_rq_retry_total", "postrefused", "reason=\"connect-failure\"") - retries)
        .isPositive();
  }

  @Test
  void routeCanOptPostsInto5xxRetriesByMethod() {
    int before = optInFailing.requests();
    double retries = metric("corral_upstream_rq_retry_total", "postoptin", "reason=\"503\"");

    RawHttpConnection.Response response = send(post("postoptin", "order=1"));

    assertThat(response.status()).isEqualTo(503);
    assertThat(optInFailing.requests() - before).as("first try and 2 retries").isEqualTo(3);
    assertThat(metric("corral_upstream_rq_retry_total", "postoptin", "reason=\"503\"") - retries).isEqualTo(2);
  }
}
