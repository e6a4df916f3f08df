package dev.corral.sidecar.xds;

import static java.util.Objects.requireNonNull;

import com.google.rpc.Code;
import com.google.rpc.Status;
import dev.corral.sidecar.Transport;
import dev.corral.sidecar.stats.XdsStats;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's ADS client (state-of-the-world, v3): one gRPC stream to the control plane on its
 * own event loop and thread. Subscribes to every listener and cluster, then to the route
 * configurations and assignments they name; ACKs what {@link XdsState} accepts and NACKs, with
 * the error's path, what it refuses. When the stream breaks it reconnects with exponential
 * back-off and jitter, re-subscribing with the versions it holds; the proxy keeps serving the
 * last accepted config meanwhile.
 */
public final class AdsClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdsClient.class);
  /** The order Envoy subscribes in: clusters and their endpoints before listeners and routes. */
  private static final List<String> ORDER = List.of(XdsState.CDS, XdsState.EDS, XdsState.LDS, XdsState.RDS);

  private final Node node;
  private final List<InetSocketAddress> servers;
  private final XdsState state;
  private final XdsStats stats;
  private final ReconnectBackoff backoff;
  private final RandomGenerator random;
  private final ScheduledExecutorService executor;
  private final EventLoopGroup ioLoop;
  private final Transport transport;
  private final Map<String, TypeState> types = new LinkedHashMap<>();
  private @Nullable ManagedChannel channel;
  private @Nullable ClientCallStreamObserver<DiscoveryRequest> stream;
  private int failures;
  private int connectAttempts;
  private volatile boolean closed;

  /** Per type: what was accepted last, the nonce to answer, and the names asked for. */
  private static final class TypeState {
    final String typeUrl;
    String version = "";
    String nonce = "";
    Set<String> names = Set.of();
    boolean subscribed;
    @Nullable String lastRejectedVersion;
    int rejectRepeats;

    TypeState(String typeUrl) {
      this.typeUrl = typeUrl;
    }
  }

  /**
   * {@code servers}: the endpoints of the bootstrap's ADS cluster, tried in turn;
   * {@code staticClusters}: names CDS may not replace.
   */
  public AdsClient(Node node, List<InetSocketAddress> servers, XdsTarget target, Set<String> staticClusters,
      XdsStats stats, Transport transport, EventLoopGroup ioLoop, ReconnectBackoff backoff,
      RandomGenerator random, Supplier<Instant> clock) {
    this.node = requireNonNull(node, "node");
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("servers: empty (expected: at least one)");
    }
    this.servers = List.copyOf(servers);
    this.state = new XdsState(target, staticClusters, clock);
    this.stats = requireNonNull(stats, "stats");
    this.transport = requireNonNull(transport, "transport");
    this.ioLoop = requireNonNull(ioLoop, "ioLoop");
    this.backoff = requireNonNull(backoff, "backoff");
    this.random = requireNonNull(random, "random");
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "corral-xds");
      t.setDaemon(true);
      return t;
    });
    for (String type : ORDER) {
      types.put(type, new TypeState(type));
    }
    types.get(XdsState.CDS).subscribed = true;
    types.get(XdsState.LDS).subscribed = true;
  }

  public void start() {
    executor.execute(this::connect);
  }

  /** For /config_dump: a view of the accepted resources, read on the xDS thread. */
  public XdsDump dump() {
    try {
      return executor.submit(() -> XdsDump.of(state, versions())).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("xds dump: " + e, e);
    }
  }

  private Map<String, String> versions() {
    Map<String, String> out = new LinkedHashMap<>();
    types.forEach((type, t) -> out.put(type, t.version));
    return out;
  }

  private void connect() {
    try {
      openStream();
    } catch (RuntimeException e) {
      // Should not happen (gRPC reports failures on the stream); never lose the reconnect loop.
      log.warn("xds: cannot open the stream: {}", e.toString(), e);
      stream = null;
      executor.schedule(this::connect, backoff.delayNanos(++failures, random), TimeUnit.NANOSECONDS);
    }
  }

  private void openStream() {
    if (closed) {
      return;
    }
    InetSocketAddress server = servers.get(connectAttempts++ % servers.size());
    if (channel == null || channel.isShutdown()) {
      channel = NettyChannelBuilder.forAddress(server)
          .usePlaintext()
          .eventLoopGroup(ioLoop)
          .channelType(transport.socketChannel())
          .executor(executor)
          .keepAliveTime(30, TimeUnit.SECONDS)
          .keepAliveTimeout(10, TimeUnit.SECONDS)
          .build();
    }
    Observer observer = new Observer();
    AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(observer);
    stream = observer.requests;
    for (TypeState t : types.values()) {
      if (t.subscribed) {
        t.nonce = "";
        send(t, null);
      }
    }
  }

  private final class Observer implements ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> {
    private ClientCallStreamObserver<DiscoveryRequest> requests;
    private boolean gotResponse;

    @Override
    public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> requests) {
      this.requests = requests;
    }

    @Override
    public void onNext(DiscoveryResponse response) {
      if (requests != stream) {
        return;
      }
      if (!gotResponse) {
        gotResponse = true;
        failures = 0;
        stats.connected(true);
        log.info("xds: connected");
      }
      handle(response);
    }

    @Override
    public void onError(Throwable t) {
      ended("xds: stream failed: " + t.getMessage());
    }

    @Override
    public void onCompleted() {
      ended("xds: stream closed by the control plane");
    }

    private void ended(String why) {
      if (requests != stream) {
        return;
      }
      stream = null;
      stats.connected(false);
      if (closed) {
        return;
      }
      if (!gotResponse) {
        failures++;
      } else {
        failures = 1;
      }
      long delay = backoff.delayNanos(failures, random);
      log.warn("{}; keeping the last config, reconnecting in {} ms", why, TimeUnit.NANOSECONDS.toMillis(delay));
      executor.schedule(AdsClient.this::connect, delay, TimeUnit.NANOSECONDS);
    }
  }

  private void handle(DiscoveryResponse response) {
    try {
      handleResponse(response);
    } catch (RuntimeException e) {
      // A bug in applying must not kill the stream's thread; report it and keep the config we have.
      log.error("xds: failed to apply a {} response: {}", kind(response.getTypeUrl()), e.toString(), e);
    }
  }

  private void handleResponse(DiscoveryResponse response) {
    TypeState t = types.get(response.getTypeUrl());
    if (t == null) {
      log.warn("xds: ignoring a response of unrequested type {}", response.getTypeUrl());
      return;
    }
    t.nonce = response.getNonce();
    String kind = kind(t.typeUrl);
    String error = state.apply(t.typeUrl, response.getResourcesList(), response.getVersionInfo());
    if (error == null) {
      t.version = response.getVersionInfo();
      t.lastRejectedVersion = null;
      t.rejectRepeats = 0;
      stats.accepted(kind);
      log.info("xds: {} version {} accepted ({} resources)", kind, t.version, response.getResourcesCount());
      send(t, null);
      resubscribe(XdsState.EDS, state.edsNames());
      resubscribe(XdsState.RDS, state.routeNames());
      return;
    }
    stats.rejected(kind);
    log.warn("xds: {} version {} rejected, keeping version {}: {}", kind, response.getVersionInfo(),
        t.version.isEmpty() ? "(none)" : t.version, error);
    // A control plane may answer a NACK with the same response at once; do not spin with it.
    if (response.getVersionInfo().equals(t.lastRejectedVersion)) {
      t.rejectRepeats++;
      long delay = Math.min(Duration.ofSeconds(4).toNanos(), Duration.ofMillis(250).toNanos() << Math.min(t.rejectRepeats - 1, 10));
      ClientCallStreamObserver<DiscoveryRequest> current = stream;
      executor.schedule(() -> {
        if (stream == current) {
          send(t, error);
        }
      }, delay, TimeUnit.NANOSECONDS);
    } else {
      t.lastRejectedVersion = response.getVersionInfo();
      t.rejectRepeats = 0;
      send(t, error);
    }
  }

  /** Asks for {@code names} of {@code typeUrl} when they differ from what was asked for last. */
  private void resubscribe(String typeUrl, Set<String> names) {
    TypeState t = types.get(typeUrl);
    if (t.names.equals(names) && (t.subscribed || names.isEmpty())) {
      return;
    }
    t.names = Set.copyOf(names);
    t.subscribed = true;
    send(t, null);
  }

  private void send(TypeState t, @Nullable String error) {
    ClientCallStreamObserver<DiscoveryRequest> out = stream;
    if (out == null) {
      return;
    }
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(t.typeUrl)
        .setVersionInfo(t.version)
        .setResponseNonce(t.nonce);
    if (t.typeUrl.equals(XdsState.EDS) || t.typeUrl.equals(XdsState.RDS)) {
      request.addAllResourceNames(t.names.stream().sorted().toList());
    }
    if (error != null) {
      request.setErrorDetail(Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(error));
    }
    try {
      out.onNext(request.build());
    } catch (RuntimeException e) {
      log.warn("xds: cannot send a {} request: {}", kind(t.typeUrl), e.toString());
    }
  }

  static String kind(String typeUrl) {
    return switch (typeUrl) {
      case XdsState.LDS -> "lds";
      case XdsState.RDS -> "rds";
      case XdsState.CDS -> "cds";
      case XdsState.EDS -> "eds";
      default -> "unknown";
    };
  }

  /** Stops the stream; the proxy keeps its last config. */
  @Override
  public void close() {
    closed = true;
    executor.execute(() -> {
      ClientCallStreamObserver<DiscoveryRequest> out = stream;
      stream = null;
      if (out != null) {
        out.cancel("sidecar stopping", null);
      }
      if (channel != null) {
        channel.shutdownNow();
      }
    });
    executor.shutdown();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stats.connected(false);
  }

}
