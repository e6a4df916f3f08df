package dev.corral.sidecar.cluster.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import com.sun.net.httpserver.HttpServer;
import dev.corral.sidecar.Transport;
import dev.corral.sidecar.cluster.HealthFlag;
import dev.corral.sidecar.cluster.HealthSink;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.health.HealthChecker.CheckResult;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP checks over real sockets against servers on 127.0.0.1. */
class HttpHealthCheckTest {
  private final EventLoopGroup group = Transport.NIO.newGroup(1, "hc-test");
  private final Map<Host, Boolean> failed = new ConcurrentHashMap<>();
  private final HealthSink sink = (host, flag, isFailed) -> {
    if (flag == HealthFlag.FAILED_ACTIVE_HC) {
      failed.put(host, isFailed);
    }
  };
  private final List<CheckResult> results = new CopyOnWriteArrayList<>();
  private final HealthChecker.Listener listener = new HealthChecker.Listener() {
    @Override
    public void checked(Host host, CheckResult result) {
      results.add(result);
    }
  };
  private HttpServer server;
  private HealthChecker checker;

  @AfterEach
  void tearDown() {
    if (checker != null) {
      checker.stop();
    }
    if (server != null) {
      server.stop(0);
    }
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void marksAFailingServerFailedAndRecoversIt() throws IOException {
    AtomicInteger status = new AtomicInteger(200);
    AtomicReference<String> seen = new AtomicReference<>();
    Host host = serveHealthz(exchange -> {
      seen.set(exchange.getRequestMethod() + " " + exchange.getRequestURI()
          + " host=" + exchange.getRequestHeaders().getFirst("Host")
          + " x-probe=" + exchange.getRequestHeaders().getFirst("x-probe")
          + " ua=" + exchange.getRequestHeaders().getFirst("User-Agent"));
      byte[] body = "ok".getBytes();
      exchange.sendResponseHeaders(status.get(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    checker = start(host, HealthCheck.HttpHealthCheck.newBuilder()
        .setPath("/healthz")
        .addRequestHeadersToAdd(HeaderValueOption.newBuilder()
            .setHeader(HeaderValue.newBuilder().setKey("x-probe").setValue("corral"))));

    await().until(() -> results.size() >= 3);
    assertThat(failed).isEmpty();
    assertThat(results).containsOnly(CheckResult.HEALTHY);
    assertThat(seen.get()).isEqualTo("GET /healthz host=backend x-probe=corral ua=Corral/HC");

    status.set(503);
    await().until(() -> failed.getOrDefault(host, false));
    assertThat(results).contains(CheckResult.UNHEALTHY);

    status.set(200);
    await().until(() -> !failed.getOrDefault(host, true));
  }

  /** Starts {@link #server} answering /healthz with {@code handler}; returns its address. */
  private Host serveHealthz(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/healthz", handler);
    server.start();
    return Host.of("127.0.0.1", server.getAddress().getPort());
  }

  @Test
  void checksReuseTheirConnectionUnlessTheConfigSaysNo() throws IOException {
    Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    AtomicReference<String> connection = new AtomicReference<>();
    Host host = serveHealthz(exchange -> {
      clientPorts.add(exchange.getRemoteAddress().getPort());
      connection.set(exchange.getRequestHeaders().getFirst("Connection"));
      // No body: the JDK server writes a body separately, and Nagle + delayed ACK could hold it
      // past the next check (which then rightly opens a new connection instead of waiting).
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });

    checker = start(host, HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz"));
    await().until(() -> results.size() >= 5);
    assertThat(clientPorts).hasSize(1); // Envoy's default reuse_connection: true
    assertThat(connection.get()).isNull();
    checker.stop();

    clientPorts.clear();
    results.clear();
    checker = start(host, HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz"), 5_000, false);
    await().until(() -> results.size() >= 3);
    assertThat(clientPorts).hasSizeGreaterThanOrEqualTo(3);
    assertThat(connection.get()).isEqualTo("close");
  }

  @Test
  void aConnectionClosedBetweenChecksIsReplaced() throws IOException {
    // The server closes every connection after its answer: each check must connect anew, healthy.
    Host host = serveHealthz(exchange -> {
      exchange.getResponseHeaders().set("Connection", "close");
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });

    checker = start(host, HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz"));

    await().until(() -> results.size() >= 5);
    assertThat(results).containsOnly(CheckResult.HEALTHY);
    assertThat(failed).isEmpty();
  }

  @Test
  void aRefusedConnectionIsANetworkFailure() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Host host = Host.of("127.0.0.1", closedPort);

    checker = start(host, HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz"));

    await().until(() -> failed.getOrDefault(host, false));
    assertThat(results).contains(CheckResult.NETWORK_FAILURE);
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws IOException {
    // The kernel accepts connections into the backlog; nobody ever reads or answers.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Host host = Host.of("127.0.0.1", silent.getLocalPort());

      checker = start(host, HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz"), 100);

      await().until(() -> failed.getOrDefault(host, false));
      assertThat(results).containsOnly(CheckResult.TIMEOUT);
    }
  }

  /** Generous: a loaded CI machine may be slow to make the first connection; a pass is quick. */
  private static ConditionFactory await() {
    return Awaitility.await().atMost(java.time.Duration.ofSeconds(30));
  }

  private HealthChecker start(Host host, HealthCheck.HttpHealthCheck.Builder http) {
    return start(host, http, 5_000);
  }

  private HealthChecker start(Host host, HealthCheck.HttpHealthCheck.Builder http, int timeoutMillis) {
    return start(host, http, timeoutMillis, true);
  }

  private HealthChecker start(Host host, HealthCheck.HttpHealthCheck.Builder http, int timeoutMillis,
      boolean reuseConnection) {
    HealthCheck proto = HealthCheck.newBuilder()
        .setReuseConnection(BoolValue.of(reuseConnection))
        .setTimeout(millis(timeoutMillis))
        .setInterval(millis(20))
        .setUnhealthyThreshold(UInt32Value.of(2))
        .setHealthyThreshold(UInt32Value.of(2))
        .setHttpHealthCheck(http)
        .build();
    HealthChecker created = HealthChecker.create(HealthCheckConfig.fromProto(proto), "backend",
        List.of(host), sink, listener, group.next(), Transport.NIO, () -> true, new SplittableRandom(1));
    created.start();
    return created;
  }

  private static Duration millis(int millis) {
    return com.google.protobuf.util.Durations.fromMillis(millis);
  }
}
