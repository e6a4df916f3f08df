package dev.corral.controlplane.xds;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ADS stream seen from the outside of java-control-plane: it remembers the node of the first
 * request and stamps it on later ones (clients with {@code set_node_on_first_message_only}),
 * tells ACKs from NACKs by nonce, records both in the {@link AckTracker} and the metrics, and
 * rewrites a NACK's {@code version_info} to the rejected version so the cache holds it.
 */
final class AdsStream {
  private static final Logger log = LoggerFactory.getLogger(AdsStream.class);

  /**
   * The latest response of a type. The resources stay packed: their names are needed only for a
   * NACK, and unpacking every resource of every push to every stream would cost more than the push.
   */
  private record Sent(String nonce, String version, List<Any> resources) {
    List<String> names() {
      List<String> names = new ArrayList<>(resources.size());
      for (Any any : resources) {
        try {
          names.add(Resources.getResourceName(any));
        } catch (RuntimeException e) {
          names.add("");
        }
      }
      return names;
    }
  }

  /**
   * Subscribed resource names, one instance each. A sidecar's EDS request names every cluster (1,000
   * in a large mesh) and java-control-plane keeps each stream's latest request: parsed, that is a
   * fresh copy of every name per stream, ~80 MB for 1,000 streams; shared, the names of one.
   */
  /** How long a send waits for room in the {@link SendBudget} before it fails its stream. */
  static final Duration BUDGET_WAIT = Duration.ofSeconds(30);

  private static final Interner<String> NAMES = Interners.newWeakInterner();

  private final long id;
  private final SnapshotPublisher publisher;
  private final AckTracker tracker;
  private final PolicyResolver policies;
  private final XdsMetrics metrics;
  private final Map<String, Sent> lastSent = new ConcurrentHashMap<>();
  private final Map<String, String> lastAcked = new ConcurrentHashMap<>();
  private final Map<String, Long> subscribedAtNanos = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable StreamObserver<DiscoveryRequest> upstream;
  private volatile @Nullable FlowControlledResponses responses;
  private volatile @Nullable Node node;
  private volatile String group = "";

  private final SendBudget budget;

  AdsStream(long id, SnapshotPublisher publisher, AckTracker tracker, PolicyResolver policies,
      SendBudget budget) {
    this.budget = budget;
    this.id = id;
    this.publisher = publisher;
    this.tracker = tracker;
    this.policies = policies;
    this.metrics = publisher.metrics();
  }

  StreamObserver<DiscoveryRequest> requests(StreamObserver<DiscoveryRequest> delegate) {
    this.upstream = delegate;
    return new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryRequest request) {
        DiscoveryRequest forwarded;
        try {
          forwarded = onRequest(request);
        } catch (RuntimeException e) {
          log.error("[{}] failed to track request; forwarding it unchanged", id, e);
          forwarded = request;
        }
        delegate.onNext(forwarded);
      }

      @Override
      public void onError(Throwable t) {
        close();
        delegate.onError(t);
      }

      @Override
      public void onCompleted() {
        close();
        delegate.onCompleted();
      }
    };
  }

  /** Wraps the gRPC call's response side; call once, before {@link #requests}. */
  ServerCallStreamObserver<DiscoveryResponse> responses(
      ServerCallStreamObserver<DiscoveryResponse> call) {
    FlowControlledResponses r = new FlowControlledResponses(call, this::onResponse,
        superseded -> XdsType.ofTypeUrl(superseded.getTypeUrl())
            .ifPresent(t -> metrics.superseded.labelValues(t.metricLabel()).inc()),
        this::onSendFailed, this::close, budget, BUDGET_WAIT);
    this.responses = r;
    return r;
  }

  /** The stream's sequential send executor, on which pending responses are sent when ready. */
  void sendOn(Executor executor) {
    FlowControlledResponses r = responses;
    if (r != null) {
      r.sendOn(executor);
    }
  }

  /**
   * A task of this stream's send executor threw (e.g. packing a response): the response
   * java-control-plane was making is lost, so the stream fails as when gRPC cannot send one.
   */
  void sendTaskFailed(Throwable cause) {
    FlowControlledResponses r = responses;
    if (r != null) {
      r.fail(null, cause);
    } else {
      log.error("[{}] send task failed before the stream was set up", id, cause);
    }
  }

  /** Once per stream: the call is closed with UNAVAILABLE already; count, log, release watches. */
  private void onSendFailed(@Nullable DiscoveryResponse response, Throwable cause) {
    String type = response == null ? "unknown"
        : XdsType.ofTypeUrl(response.getTypeUrl()).map(XdsType::metricLabel).orElse("unknown");
    metrics.sendFailures.labelValues(type).inc();
    Node known = node;
    log.warn("[{}] {} ({}): could not send a {} response, failed the stream with UNAVAILABLE so the "
        + "sidecar reconnects and resyncs: {}", id, known == null ? "?" : known.getId(), group, type,
        cause.toString(), cause instanceof OutOfMemoryError ? null : cause);
    StreamObserver<DiscoveryRequest> up = upstream;
    if (up != null) {
      // java-control-plane cancels the stream's watches; CANCELLED, so it does not log it again.
      up.onError(Status.CANCELLED.withDescription("response could not be sent").asRuntimeException());
    }
    close();
  }

  /** The admin address the node's metadata names (local mode), when it looks like host:port. */
  private static @Nullable String adminAddress(Node node) {
    com.google.protobuf.Value v = node.getMetadata().getFieldsOrDefault(AckTracker.ADMIN_ADDRESS_KEY, null);
    if (v == null || !v.hasStringValue() || !v.getStringValue().matches("[^\\s/]+:\\d{1,5}")) {
      return null;
    }
    return v.getStringValue();
  }

  private DiscoveryRequest onRequest(DiscoveryRequest request) {
    DiscoveryRequest.Builder rewritten = null;
    Node known = node;
    if (known == null && request.hasNode()) {
      known = request.getNode();
      node = known;
      group = publisher.nodeGroup().groupOf(known);
      tracker.opened(id, known.getId(), group, adminAddress(known));
      metrics.connectedSidecars.inc();
      publisher.groupConnected(group);
    } else if (known != null && !request.hasNode()) {
      rewritten = request.toBuilder().setNode(known);
    }

    if (request.getResourceNamesCount() > 0) {
      if (rewritten == null) {
        rewritten = request.toBuilder();
      }
      List<String> names = new ArrayList<>(request.getResourceNamesCount());
      for (String name : request.getResourceNamesList()) {
        names.add(NAMES.intern(name));
      }
      rewritten.clearResourceNames().addAllResourceNames(names);
    }

    String typeUrl = request.getTypeUrl();
    XdsType type = XdsType.ofTypeUrl(typeUrl).orElse(null);
    subscribedAtNanos.computeIfAbsent(typeUrl, k -> publisher.nanoTime().getAsLong());
    Sent sent = lastSent.get(typeUrl);
    if (type == null || sent == null || !sent.nonce.equals(request.getResponseNonce())) {
      return rewritten == null ? request : rewritten.build();
    }
    if (request.hasErrorDetail()) {
      String message = request.getErrorDetail().getMessage();
      List<String> resources = rejectedResources(sent.names(), message);
      Set<String> policyIds = new LinkedHashSet<>();
      for (String r : resources) {
        policyIds.addAll(policies.policiesOf(type, r));
      }
      log.warn("[{}] {} ({}) rejected {} version {}: {}", id, known == null ? "?" : known.getId(),
          group, type, sent.version, message);
      tracker.nacked(id, type, sent.version, message, resources, policyIds);
      metrics.nacks.labelValues(type.metricLabel()).inc();
      if (rewritten == null) {
        rewritten = request.toBuilder();
      }
      rewritten.setVersionInfo(sent.version);
    } else if (request.getVersionInfo().equals(sent.version)) {
      boolean firstAck = !sent.version.equals(lastAcked.put(typeUrl, sent.version));
      tracker.acked(id, type, sent.version);
      if (firstAck) {
        // From publish, or from subscription for a sidecar that connected after the publish.
        publisher.publishedAtNanos(group, type, sent.version).ifPresent(at -> {
          long from = Math.max(at, subscribedAtNanos.getOrDefault(typeUrl, at));
          metrics.pushLatency.labelValues(type.metricLabel())
              .observe((publisher.nanoTime().getAsLong() - from) / 1e9);
        });
      }
    }
    return rewritten == null ? request : rewritten.build();
  }

  /** Envoy names the failing resources in its message often; narrow to those when it does. */
  private static List<String> rejectedResources(List<String> sent, String message) {
    List<String> named = new ArrayList<>();
    for (String name : sent) {
      if (message.contains(name)) {
        named.add(name);
      }
    }
    return named.isEmpty() ? sent : named;
  }

  private void onResponse(DiscoveryResponse response) {
    lastSent.put(response.getTypeUrl(),
        new Sent(response.getNonce(), response.getVersionInfo(), response.getResourcesList()));
    XdsType.ofTypeUrl(response.getTypeUrl()).ifPresent(type -> {
      tracker.sent(id, type, response.getVersionInfo());
      metrics.pushes.labelValues(type.metricLabel()).inc();
    });
  }

  void close() {
    if (closed.compareAndSet(false, true)) {
      tracker.closed(id);
      if (node != null) {
        metrics.connectedSidecars.dec();
        publisher.groupDisconnected(group);
      }
    }
  }
}
