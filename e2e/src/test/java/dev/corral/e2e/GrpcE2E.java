package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.GrpcBackend;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.SidecarProcess;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC through the real sidecar: a grpc-java client speaking h2c to the listener, three grpc-java
 * servers behind an HTTP/2 cluster. Every call shape, error statuses with trailers, deadlines and
 * large messages.
 */
class GrpcE2E {
  private static final String AUTHORITY = "greeter.corral.test";
  private static final String LIMITED_AUTHORITY = "limited.corral.test";
  private static final int LIMIT = 4;
  /** Routed to a cluster whose only endpoint refuses connections. */
  private static final String GONE_AUTHORITY = "gone.corral.test";
  /** Routed to a server that one test shuts down mid-call. */
  private static final String DOOMED_AUTHORITY = "doomed.corral.test";
  private static final Duration NO_HANG = Duration.ofSeconds(20);

  static List<GrpcBackend> servers;
  /** A server that accepts at most {@link #LIMIT} concurrent streams per connection. */
  static GrpcBackend limited;
  static GrpcBackend doomed;
  static SidecarProcess sidecar;
  static ManagedChannel channel;
  static ManagedChannel limitedChannel;

  @BeforeAll
  static void start() {
    servers = List.of(new GrpcBackend("a"), new GrpcBackend("b"), new GrpcBackend("c"));
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("grpc", servers.stream().mapToInt(GrpcBackend::port).toArray()).http2();
    limited = new GrpcBackend("limited", LIMIT);
    bootstrap.cluster("limited", limited.port()).http2();
    bootstrap.virtualHost("grpc", AUTHORITY);
    bootstrap.virtualHost("limited", LIMITED_AUTHORITY);
    bootstrap.cluster("gone", Ports.free()).http2();
    bootstrap.virtualHost("gone", GONE_AUTHORITY);
    doomed = new GrpcBackend("doomed");
    bootstrap.cluster("doomed", doomed.port()).http2();
    bootstrap.virtualHost("doomed", DOOMED_AUTHORITY);
    sidecar = SidecarProcess.start(bootstrap, "--concurrency", "1");
    channel = channel(AUTHORITY);
    limitedChannel = channel(LIMITED_AUTHORITY);
  }

  private static ManagedChannel channel(String authority) {
    return NettyChannelBuilder.forAddress("127.0.0.1", sidecar.listenerPort())
        .usePlaintext()
        .overrideAuthority(authority)
        .maxInboundMessageSize(GrpcBackend.MAX_MESSAGE)
        .build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (ManagedChannel c : new ManagedChannel[] {channel, limitedChannel}) {
      if (c != null) {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    if (sidecar != null) {
      sidecar.close();
    }
    if (servers != null) {
      servers.forEach(GrpcBackend::close);
    }
    if (limited != null) {
      limited.close();
    }
    if (doomed != null) {
      doomed.close();
    }
  }

  @BeforeEach
  void forgetSlowCalls() {
    servers.forEach(GrpcBackend::resetSlow);
  }

  private static CallOptions options() {
    return CallOptions.DEFAULT.withDeadlineAfter(NO_HANG.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void unaryCallsAreSpreadOverTheThreeServers() {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < 30; i++) {
      String reply = ClientCalls.blockingUnaryCall(channel, GrpcBackend.WHO, options(), "hello-" + i);
      assertThat(reply).endsWith(":hello-" + i);
      counts.merge(reply.substring(0, reply.indexOf(':')), 1, Integer::sum);
    }

    assertThat(counts).containsOnlyKeys("a", "b", "c");
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isEqualTo(10));
  }

  @Test
  void concurrentUnaryCallsOnOneChannelAllAnswered() throws Exception {
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      CompletableFuture<String> call = new CompletableFuture<>();
      ClientCalls.asyncUnaryCall(channel.newCall(GrpcBackend.WHO, options()), "req-" + i, observer(call));
      calls.add(call);
    }

    for (int i = 0; i < calls.size(); i++) {
      assertThat(calls.get(i).get(NO_HANG.toSeconds(), TimeUnit.SECONDS)).matches("[abc]:req-" + i);
    }
  }

  @Test
  void serverStreamingDeliversEveryMessageInOrder() {
    Iterator<String> replies = ClientCalls.blockingServerStreamingCall(channel, GrpcBackend.COUNT, options(), "2000");

    List<String> received = new ArrayList<>();
    replies.forEachRemaining(received::add);
    assertThat(received).containsExactlyElementsOf(IntStream.range(0, 2000).mapToObj(i -> "msg-" + i).toList());
  }

  @Test
  void clientStreamingDeliversEveryMessageInOrder() throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    StreamObserver<String> requests = ClientCalls.asyncClientStreamingCall(
        channel.newCall(GrpcBackend.CONCAT, options()), observer(reply));
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      requests.onNext("part" + i);
      sent.add("part" + i);
    }
    requests.onCompleted();

    assertThat(reply.get(NO_HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo("500:" + String.join(",", sent));
  }

  @Test
  void bidiStreamingInterleavesRequestsAndResponses() throws Exception {
    LinkedBlockingQueue<String> responses = new LinkedBlockingQueue<>();
    CompletableFuture<Status> end = new CompletableFuture<>();
    StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
        channel.newCall(GrpcBackend.ECHO, options()), new StreamObserver<>() {
          @Override
          public void onNext(String value) {
            responses.add(value);
          }

          @Override
          public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            end.complete(Status.OK);
          }
        });

    for (int i = 0; i < 50; i++) {
      requests.onNext("ping-" + i);
      // The reply must come back while the request stream is still open: nothing is buffered whole.
      assertThat(responses.poll(NO_HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo("echo:ping-" + i);
    }
    assertThat(end).isNotDone();
    requests.onCompleted();

    assertThat(end.get(NO_HANG.toSeconds(), TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
    assertThat(responses).isEmpty();
  }

  @Test
  void errorStatusAndCustomTrailersReachTheClient() {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel, GrpcBackend.FAIL, options(), "x"));

    assertFailure(e);
  }

  @Test
  void errorStatusAndTrailersAfterStreamedMessagesReachTheClient() {
    Iterator<String> replies = ClientCalls.blockingServerStreamingCall(
        channel, GrpcBackend.STREAM_THEN_FAIL, options(), "3");
    List<String> received = new ArrayList<>();

    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> replies.forEachRemaining(received::add));

    assertThat(received).containsExactly("msg-0", "msg-1", "msg-2");
    assertFailure(e);
  }

  private static void assertFailure(StatusRuntimeException e) {
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(GrpcBackend.FAILURE.getCode());
    assertThat(e.getStatus().getDescription()).isEqualTo(GrpcBackend.FAILURE.getDescription());
    assertThat(e.getTrailers()).isNotNull();
    assertThat(e.getTrailers().get(GrpcBackend.REASON)).isEqualTo("quota");
    assertThat(e.getTrailers().get(GrpcBackend.DETAIL)).isEqualTo(GrpcBackend.DETAIL_BYTES);
  }

  @Test
  void deadlineShorterThanTheServerDelayEndsTheCallAndCancelsItUpstream() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> catchThrowableOfType(
        StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel, GrpcBackend.SLOW,
            CallOptions.DEFAULT.withDeadlineAfter(1500, TimeUnit.MILLISECONDS), "x")));

    Throwable e = outcome.get(NO_HANG.toSeconds(), TimeUnit.SECONDS);
    // Two timers race: the client's, and the server's from the propagated grpc-timeout, started
    // a hop later. The client's usually fires first (DEADLINE_EXCEEDED). On a starved CPU the
    // server's can: it resets its stream, and the sidecar answers an upstream reset as Envoy does
    // (UNAVAILABLE). Either way the call ends at the deadline, not at the server's 10 s answer.
    assertThat(Status.fromThrowable(e).getCode()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.UNAVAILABLE);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    // The server saw the client's deadline (grpc-timeout went through) and the cancellation.
    GrpcBackend called = await().atMost(NO_HANG)
        .until(() -> servers.stream().filter(s -> s.slowDeadline() != null).findFirst().orElse(null),
            s -> s != null);
    assertThat(called.slowDeadline().timeRemaining(TimeUnit.MILLISECONDS)).isLessThanOrEqualTo(1500);
    assertThat(called.slowCancelled().await(NO_HANG.toSeconds(), TimeUnit.SECONDS))
        .as("server-side call cancelled after the client's deadline").isTrue();
    // The connection through the sidecar is still good.
    assertThat(ClientCalls.blockingUnaryCall(channel, GrpcBackend.WHO, options(), "after")).endsWith(":after");
  }

  @Test
  void fourMebibyteMessagesPassBothWays() {
    byte[] big = new byte[4 * 1024 * 1024];
    new Random(42).nextBytes(big);

    byte[] echoed = ClientCalls.blockingUnaryCall(channel, GrpcBackend.BYTES, options(), big);

    assertThat(echoed).hasSize(big.length);
    assertThat(echoed).isEqualTo(big);
  }

  @Test
  void gzipCompressedMessagesPass() {
    byte[] text = "compress me ".repeat(100_000).getBytes(StandardCharsets.UTF_8);

    byte[] echoed = ClientCalls.blockingUnaryCall(channel, GrpcBackend.BYTES, options().withCompression("gzip"), text);

    assertThat(echoed).isEqualTo(text);
  }

  @Test
  void requestMetadataAndAuthorityReachTheServer() {
    Metadata headers = new Metadata();
    Metadata.Key<String> user = Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER);
    Metadata.Key<byte[]> token = Metadata.Key.of("x-token-bin", Metadata.BINARY_BYTE_MARSHALLER);
    headers.put(user, "alice");
    headers.put(token, new byte[] {9, 0, (byte) 0xfe});
    Channel withHeaders = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));

    String reply = ClientCalls.blockingUnaryCall(withHeaders, GrpcBackend.WHO, options(), "meta");

    GrpcBackend server = servers.stream().filter(s -> reply.startsWith(s.name() + ":")).findFirst().orElseThrow();
    assertThat(server.lastAuthority()).isEqualTo(AUTHORITY);
    assertThat(server.lastHeaders().get(user)).isEqualTo("alice");
    assertThat(server.lastHeaders().get(token)).containsExactly(9, 0, 0xfe);
    assertThat(server.lastHeaders().get(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER)))
        .isNotBlank();
  }

  @Test
  void serverMayEndABidiCallBeforeTheClientHalfCloses() throws Exception {
    LinkedBlockingQueue<String> responses = new LinkedBlockingQueue<>();
    CompletableFuture<Status> end = new CompletableFuture<>();
    StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
        channel.newCall(GrpcBackend.ECHO_UNTIL_BYE, options()), new StreamObserver<>() {
          @Override
          public void onNext(String value) {
            responses.add(value);
          }

          @Override
          public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            end.complete(Status.OK);
          }
        });

    requests.onNext("hi");
    assertThat(responses.poll(NO_HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo("echo:hi");
    requests.onNext("bye");

    Status status = end.get(NO_HANG.toSeconds(), TimeUnit.SECONDS);
    assertThat(status.getCode()).as("status %s", status).isEqualTo(Status.Code.OK);
    assertThat(responses).containsExactly("echo:bye");
    requests.onCompleted();
    assertThat(ClientCalls.blockingUnaryCall(channel, GrpcBackend.WHO, options(), "after")).endsWith(":after");
  }

  @Test
  void callsBeyondTheUpstreamConcurrentStreamLimitWaitInsteadOfFailing() throws Exception {
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 5 * LIMIT; i++) {
      CompletableFuture<String> call = new CompletableFuture<>();
      ClientCalls.asyncUnaryCall(limitedChannel.newCall(GrpcBackend.HOLD, options()), "300", observer(call));
      calls.add(call);
    }

    for (CompletableFuture<String> call : calls) {
      assertThat(call.get(NO_HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo("limited:held");
    }
    assertThat(limited.maxConcurrentHolds()).isBetween(1, LIMIT);
  }

  @Test
  void slowClientBackPressuresAServerStreamLargerThanTheSidecarMemory() throws Exception {
    int messages = 96; // 96 MiB: more than the sidecar's heap or direct memory (64 MiB each)
    LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    ClientCall<String, byte[]> call = channel.newCall(GrpcBackend.FLOOD, options());
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        events.add(message);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        events.add(status);
      }
    }, new Metadata());
    call.sendMessage(Integer.toString(messages));
    call.halfClose();
    // Read nothing for a while: the server fills every window and buffer on the way and must stop.
    Thread.sleep(1000);
    assertThat(sidecar.process().isAlive()).isTrue();

    for (int i = 0; i < messages; i++) {
      call.request(1);
      Object event = events.poll(NO_HANG.toSeconds(), TimeUnit.SECONDS);
      assertThat(event).as("message %d", i).isInstanceOf(byte[].class);
      assertThat((byte[]) event).as("message %d", i).isEqualTo(GrpcBackend.floodMessage(i));
    }
    call.request(1);
    Object last = events.poll(NO_HANG.toSeconds(), TimeUnit.SECONDS);
    assertThat(last).isInstanceOf(Status.class);
    assertThat(((Status) last).getCode()).isEqualTo(Status.Code.OK);
    assertThat(sidecar.process().isAlive()).isTrue();
  }

  @Test
  void slowServerBackPressuresAClientStreamLargerThanTheSidecarMemory() throws Exception {
    int messages = 96; // 96 MiB, more than the sidecar's memory, as fast as flow control allows
    CompletableFuture<String> reply = new CompletableFuture<>();
    ClientCalls.asyncClientStreamingCall(channel.newCall(GrpcBackend.SINK, options()),
        new ClientResponseObserver<byte[], String>() {
          private int next;

          @Override
          public void beforeStart(ClientCallStreamObserver<byte[]> requests) {
            requests.setOnReadyHandler(() -> {
              while (requests.isReady() && next < messages) {
                requests.onNext(GrpcBackend.floodMessage(next++));
              }
              if (next == messages) {
                next++;
                requests.onCompleted();
              }
            });
          }

          @Override
          public void onNext(String value) {
            reply.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            reply.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });

    assertThat(reply.get(NO_HANG.toSeconds() * 2, TimeUnit.SECONDS)).isEqualTo(messages + " ok");
    assertThat(sidecar.process().isAlive()).isTrue();
  }

  @Test
  void unreachableUpstreamEndsTheCallUnavailable() throws Exception {
    ManagedChannel gone = channel(GONE_AUTHORITY);
    try {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
          () -> ClientCalls.blockingUnaryCall(gone, GrpcBackend.WHO, options(), "anyone?"));

      assertThat(e).isNotNull();
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      gone.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void upstreamDyingMidStreamEndsTheCallWithAnErrorAndCountsAReset() throws Exception {
    long resetsBefore = upstreamRequests("doomed", "reset");
    ManagedChannel toDoomed = channel(DOOMED_AUTHORITY);
    try {
      LinkedBlockingQueue<String> responses = new LinkedBlockingQueue<>();
      CompletableFuture<Status> end = new CompletableFuture<>();
      StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
          toDoomed.newCall(GrpcBackend.ECHO, options()), new StreamObserver<>() {
            @Override
            public void onNext(String value) {
              responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
              end.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
              end.complete(Status.OK);
            }
          });
      requests.onNext("first");
      assertThat(responses.poll(NO_HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo("echo:first");

      doomed.close();

      Status status = end.get(NO_HANG.toSeconds(), TimeUnit.SECONDS);
      assertThat(status.getCode()).as("status %s", status).isNotEqualTo(Status.Code.OK);
      await().atMost(NO_HANG).untilAsserted(
          () -> assertThat(upstreamRequests("doomed", "reset")).isEqualTo(resetsBefore + 1));
    } finally {
      toDoomed.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void prometheusCountsTheUpstreamRequestsOfTheCluster() throws Exception {
    long before = upstream2xx("grpc");
    for (int i = 0; i < 7; i++) {
      ClientCalls.blockingUnaryCall(channel, GrpcBackend.WHO, options(), "counted");
    }

    await().atMost(NO_HANG).untilAsserted(() -> assertThat(upstream2xx("grpc")).isEqualTo(before + 7));
  }

  private static long upstream2xx(String cluster) throws Exception {
    return upstreamRequests(cluster, "2xx");
  }

  private static long upstreamRequests(String cluster, String responseClass) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(sidecar.adminUri("/stats/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("(?m)^corral_upstream_rq_total\\{cluster=\"" + cluster
        + "\",response_class=\"" + responseClass + "\"} (\\S+)$").matcher(response.body());
    assertThat(m.find()).as("%s counter of cluster %s in:%n%s", responseClass, cluster, response.body()).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<T> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.completeExceptionally(new IllegalStateException("completed without a message"));
      }
    };
  }
}
