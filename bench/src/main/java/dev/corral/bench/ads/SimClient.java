package dev.corral.bench.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated sidecar on its own ADS stream, subscribing as the sidecar's {@code AdsClient} does:
 * CDS and LDS (wildcard) first, then EDS for the EDS clusters and RDS for the route tables the
 * listeners name; every response is ACKed at once with its version and nonce.
 *
 * <p>Unlike a real sidecar it reads a response only as far as an ACK needs ({@link
 * SkimmedResponse}: version, nonce, type, resource count) and decodes resources only to learn the
 * names they imply, on the first CDS and LDS response: a real sidecar decodes on its own CPU,
 * while here 1,000 clients share one JVM (and, in-process, the control plane's cores). The
 * synthetic mesh never adds or removes resources, so a later CDS or LDS response with another
 * resource count is counted as an error rather than silently left unsubscribed.
 */
final class SimClient {
  static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  static final List<String> TYPES = List.of(CDS, EDS, LDS, RDS);

  /** The latest ACK of one type: the version and when it was first ACKed. */
  record Ack(String version, long atNanos) {}

  private static final class TypeState {
    List<String> names = List.of();
    String ackedVersion = "";
    String nonce = "";
    /** Resources in the response the implied names were learned from; -1 before. */
    volatile int learnedFrom = -1;
  }

  final String group;
  private final Node node;
  private final Map<String, TypeState> types = new HashMap<>();
  private final Map<String, Ack> acks = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicInteger errors;
  private StreamObserver<DiscoveryRequest> requests;
  private boolean nodeSent;

  SimClient(Node node, String group, AtomicInteger errors) {
    this.node = node;
    this.group = group;
    this.errors = errors;
    for (String t : TYPES) {
      types.put(t, new TypeState());
    }
  }

  synchronized void start(ManagedChannel channel) {
    MethodDescriptor<DiscoveryRequest, SkimmedResponse> method = AggregatedDiscoveryServiceGrpc
        .getStreamAggregatedResourcesMethod()
        .toBuilder(ProtoUtils.marshaller(DiscoveryRequest.getDefaultInstance()),
            SkimmedResponse.marshaller(this::wantsNames))
        .build();
    requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(method, CallOptions.DEFAULT), new StreamObserver<>() {
      @Override
      public void onNext(SkimmedResponse response) {
        onResponse(response);
      }

      @Override
      public void onError(Throwable t) {
        errors.incrementAndGet();
      }

      @Override
      public void onCompleted() {}
    });
    send(CDS);
    send(LDS);
  }

  /** Whether the names resources of {@code typeUrl} imply are still to be learned (CDS: EDS, LDS: RDS). */
  private boolean wantsNames(String typeUrl) {
    TypeState t = types.get(typeUrl);
    return (typeUrl.equals(CDS) || typeUrl.equals(LDS)) && t != null && t.learnedFrom < 0;
  }

  /** The latest ACK of {@code typeUrl}, or null. */
  Ack ack(String typeUrl) {
    return acks.get(typeUrl);
  }

  /** Responses received by every client of this JVM (a push sends one per changed type and client). */
  static final AtomicLong RESPONSES = new AtomicLong();

  private synchronized void onResponse(SkimmedResponse r) {
    long now = System.nanoTime();
    RESPONSES.incrementAndGet();
    TypeState t = types.get(r.typeUrl());
    if (t == null) {
      errors.incrementAndGet();
      return;
    }
    t.nonce = r.nonce();
    t.ackedVersion = r.versionInfo();
    send(r.typeUrl());
    Ack before = acks.get(r.typeUrl());
    if (before == null || !before.version().equals(r.versionInfo())) {
      acks.put(r.typeUrl(), new Ack(r.versionInfo(), now));
    }
    if (r.impliedNames() != null) {
      t.learnedFrom = r.resourceCount();
      resubscribe(r.typeUrl().equals(CDS) ? EDS : RDS, r.impliedNames());
    } else if (t.learnedFrom >= 0 && t.learnedFrom != r.resourceCount()) {
      System.err.printf("%s: %s went from %d to %d resources; the simulated client does not follow that%n",
          node.getId(), r.typeUrl(), t.learnedFrom, r.resourceCount());
      errors.incrementAndGet();
    }
  }

  private void resubscribe(String typeUrl, List<String> names) {
    TypeState t = types.get(typeUrl);
    if (!t.names.equals(names)) {
      t.names = names;
      send(typeUrl);
    }
  }

  private void send(String typeUrl) {
    TypeState t = types.get(typeUrl);
    DiscoveryRequest.Builder b = DiscoveryRequest.newBuilder().setTypeUrl(typeUrl)
        .setVersionInfo(t.ackedVersion).setResponseNonce(t.nonce).addAllResourceNames(t.names);
    if (!nodeSent) {
      b.setNode(node);
      nodeSent = true;
    }
    requests.onNext(b.build());
  }

  synchronized void close() {
    if (requests != null) {
      requests.onCompleted();
    }
  }
}
