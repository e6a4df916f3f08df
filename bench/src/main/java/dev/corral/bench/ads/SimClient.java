package dev.corral.bench.ads;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated sidecar on its own ADS stream, subscribing as the sidecar's {@code AdsClient} does:
 * CDS and LDS (wildcard) first, then EDS for the EDS clusters and RDS for the route tables the
 * listeners name; every response is ACKed at once with its version and nonce.
 *
 * <p>Unlike a real sidecar it decodes a response only to learn the names it implies (on the first
 * response of a type, or when the resource count changes): a real sidecar decodes on its own CPU,
 * while here 1,000 clients share the control plane's cores.
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
    int resourceCount = -1;
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
    requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryResponse response) {
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

  /** The latest ACK of {@code typeUrl}, or null. */
  Ack ack(String typeUrl) {
    return acks.get(typeUrl);
  }

  /** Responses received by every client of this JVM (a push sends one per changed type and client). */
  static final AtomicLong RESPONSES = new AtomicLong();

  private synchronized void onResponse(DiscoveryResponse r) {
    long now = System.nanoTime();
    RESPONSES.incrementAndGet();
    TypeState t = types.get(r.getTypeUrl());
    if (t == null) {
      errors.incrementAndGet();
      return;
    }
    t.nonce = r.getNonce();
    t.ackedVersion = r.getVersionInfo();
    send(r.getTypeUrl());
    Ack before = acks.get(r.getTypeUrl());
    if (before == null || !before.version().equals(r.getVersionInfo())) {
      acks.put(r.getTypeUrl(), new Ack(r.getVersionInfo(), now));
    }
    if (r.getResourcesCount() != t.resourceCount) {
      t.resourceCount = r.getResourcesCount();
      if (r.getTypeUrl().equals(CDS)) {
        resubscribe(EDS, edsNames(r.getResourcesList()));
      } else if (r.getTypeUrl().equals(LDS)) {
        resubscribe(RDS, routeNames(r.getResourcesList()));
      }
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

  private List<String> edsNames(List<Any> clusters) {
    TreeSet<String> names = new TreeSet<>();
    for (Any any : clusters) {
      try {
        Cluster c = any.unpack(Cluster.class);
        if (c.getType() == Cluster.DiscoveryType.EDS) {
          String s = c.getEdsClusterConfig().getServiceName();
          names.add(s.isEmpty() ? c.getName() : s);
        }
      } catch (InvalidProtocolBufferException e) {
        errors.incrementAndGet();
      }
    }
    return new ArrayList<>(names);
  }

  private List<String> routeNames(List<Any> listeners) {
    TreeSet<String> names = new TreeSet<>();
    for (Any any : listeners) {
      try {
        Listener l = any.unpack(Listener.class);
        for (FilterChain fc : l.getFilterChainsList()) {
          for (Filter f : fc.getFiltersList()) {
            if (f.getTypedConfig().is(HttpConnectionManager.class)) {
              HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
              if (hcm.hasRds()) {
                names.add(hcm.getRds().getRouteConfigName());
              }
            }
          }
        }
      } catch (InvalidProtocolBufferException e) {
        errors.incrementAndGet();
      }
    }
    return new ArrayList<>(names);
  }

  synchronized void close() {
    if (requests != null) {
      requests.onCompleted();
    }
  }
}
