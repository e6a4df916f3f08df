package dev.corral.controlplane.xds;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import io.envoyproxy.controlplane.server.ExecutorGroup;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The ADS gRPC server: java-control-plane's {@link V3DiscoveryServer} over the
 * {@link SnapshotPublisher}'s cache, with each stream passed through an {@link AdsStream} (node
 * on first message only, ACK/NACK tracking, NACK holding).
 */
public final class XdsServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 15010;

  /** The stream TrackingAds is opening on this thread, for the ExecutorGroup. */
  private static final ThreadLocal<AdsStream> OPENING = new ThreadLocal<>();

  private final Server server;
  private final TrackingAds ads;
  private final AckTracker tracker;
  private final ExecutorService sendPool;

  private XdsServer(Builder b) {
    this.tracker = b.tracker;
    DiscoveryServerCallbacks noCallbacks = new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {}

      @Override
      public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}
    };
    // Resources shared by many sidecars (and groups) are packed once per instance, and a
    // response's list once per snapshot, not once per stream (see PackingSerializer).
    // Responses are packed and written on a small pool, in order per stream, not inline: the
    // cache answers a new snapshot's open watches inside its (global) lock, one stream after
    // another, so a push to 1,000 streams would use one core.
    AtomicInteger sendIds = new AtomicInteger();
    this.sendPool = Executors.newFixedThreadPool(b.sendThreads, r -> {
      Thread t = new Thread(r, "corral-xds-send-" + sendIds.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    // java-control-plane takes a stream's executor while TrackingAds opens the stream (same
    // thread), so the executor is bound to its AdsStream: a task that throws anything (Guava's
    // sequential executor lets an Error escape and kill the pool thread, and the stream's queued
    // tasks then wait for a next one) fails that stream instead, and the thread goes on.
    ExecutorGroup perStream = () -> {
      Executor sequential = MoreExecutors.newSequentialExecutor(sendPool);
      AdsStream stream = OPENING.get();
      if (stream == null) {
        return sequential;
      }
      Executor guarded = task -> sequential.execute(() -> {
        try {
          task.run();
        } catch (Throwable t) {
          stream.sendTaskFailed(t);
        }
      });
      stream.sendOn(guarded);
      return guarded;
    };
    PackingSerializer serializer = new PackingSerializer();
    b.publisher.onFlushed(serializer::sweep);
    V3DiscoveryServer discovery = new V3DiscoveryServer(List.of(noCallbacks),
        new NackHoldingWatcher(b.publisher.cache()), perStream, serializer);
    this.ads = new TrackingAds(discovery.getAggregatedDiscoveryServiceImpl(), b.publisher,
        b.tracker, b.policies,
        b.sendBudgetBytes > 0 ? new SendBudget(b.sendBudgetBytes) : SendBudget.ofDirectMemory());
    NettyServerBuilder builder = NettyServerBuilder
        .forAddress(b.host == null ? new InetSocketAddress(b.port) : new InetSocketAddress(b.host, b.port))
        .addService(ads);
    for (BindableService service : b.services) {
      builder.addService(service);
    }
    this.server = builder
        // Sidecars keep one ADS stream for their lifetime; let their keepalives through.
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .build();
  }

  public static Builder builder(SnapshotPublisher publisher) {
    return new Builder(publisher);
  }

  public XdsServer start() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the ADS server: " + e.getMessage(), e);
    }
    return this;
  }

  /** The bound port: the configured one, or the one chosen for port 0. */
  public int port() {
    return server.getPort();
  }

  public AckTracker tracker() {
    return tracker;
  }

  /** The ADS service as mounted on the gRPC server, for tests that drive a stream by hand. */
  AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase ads() {
    return ads;
  }

  /** Stops accepting streams and waits up to {@code grace} for open ones before cutting them. */
  public void shutdown(Duration grace) throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      server.shutdownNow();
      server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    }
    sendPool.shutdownNow();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sendPool.shutdownNow();
    }
  }

  /** ADS whose streams each go through an {@link AdsStream} before java-control-plane. */
  private static final class TrackingAds
      extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
    private final AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase delegate;
    private final SnapshotPublisher publisher;
    private final AckTracker tracker;
    private final PolicyResolver policies;
    private final SendBudget budget;
    private final AtomicLong ids = new AtomicLong();

    TrackingAds(AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase delegate,
        SnapshotPublisher publisher, AckTracker tracker, PolicyResolver policies,
        SendBudget budget) {
      this.budget = budget;
      this.delegate = delegate;
      this.publisher = publisher;
      this.tracker = tracker;
      this.policies = policies;
    }

    @Override
    public StreamObserver<DiscoveryRequest> streamAggregatedResources(
        StreamObserver<DiscoveryResponse> responseObserver) {
      AdsStream stream = new AdsStream(ids.incrementAndGet(), publisher, tracker, policies, budget);
      // grpc-java always hands a ServerCallStreamObserver; java-control-plane needs one for its
      // cancel handler, which releases the stream's watches.
      var call = (ServerCallStreamObserver<DiscoveryResponse>) responseObserver;
      ServerCallStreamObserver<DiscoveryResponse> responses = stream.responses(call);
      OPENING.set(stream);
      try {
        return stream.requests(delegate.streamAggregatedResources(responses));
      } finally {
        OPENING.remove();
      }
    }

    @Override
    public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
        StreamObserver<DeltaDiscoveryResponse> responseObserver) {
      return delegate.deltaAggregatedResources(responseObserver);
    }
  }

  /** Builds an {@link XdsServer}. */
  public static final class Builder {
    private final SnapshotPublisher publisher;
    private @Nullable String host;
    private int port = DEFAULT_PORT;
    private AckTracker tracker = new AckTracker();
    private PolicyResolver policies = PolicyResolver.none();
    private int sendThreads = Math.min(4, Runtime.getRuntime().availableProcessors());
    private final List<BindableService> services = new ArrayList<>();
    private long sendBudgetBytes;

    private Builder(SnapshotPublisher publisher) {
      this.publisher = requireNonNull(publisher, "publisher");
    }

    /** The address to bind; all addresses by default. */
    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /** 0 picks a free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: %s (expected: 0..65535)".formatted(port));
      }
      this.port = port;
      return this;
    }

    public Builder tracker(AckTracker tracker) {
      this.tracker = requireNonNull(tracker, "tracker");
      return this;
    }

    /** Threads that pack and write responses (in order per stream); default: the CPUs, at most 4. */
    public Builder sendThreads(int sendThreads) {
      if (sendThreads < 1) {
        throw new IllegalArgumentException("sendThreads: %s (expected: >= 1)".formatted(sendThreads));
      }
      this.sendThreads = sendThreads;
      return this;
    }

    /**
     * Bytes of responses, over all streams, handed to gRPC and not yet written to the socket
     * (they sit in direct memory); a send waits while they are reached. Default: a quarter of
     * the direct memory limit (which is -Xmx unless set).
     */
    public Builder sendBudgetBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("sendBudgetBytes: %s (expected: >= 1)".formatted(bytes));
      }
      this.sendBudgetBytes = bytes;
      return this;
    }

    public Builder policies(PolicyResolver policies) {
      this.policies = requireNonNull(policies, "policies");
      return this;
    }

    /**
     * Serves {@code service} on the same gRPC server as ADS, e.g. the stats service, which sidecars
     * reach at the ADS address (docs/bootstrap.md, {@code corral.stats_address}).
     */
    public Builder addService(BindableService service) {
      services.add(requireNonNull(service, "service"));
      return this;
    }

    public XdsServer build() {
      return new XdsServer(this);
    }
  }
}
