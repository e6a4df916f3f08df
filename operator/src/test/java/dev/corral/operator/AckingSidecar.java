package dev.corral.operator;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.corral.controlplane.translate.NodeContext;
import dev.corral.controlplane.xds.XdsType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A well-behaved sidecar's ADS side over real gRPC: subscribes to clusters and listeners, follows
 * the clusters into EDS, and ACKs every response. The scenarios read what it was last sent, as a
 * sidecar would see the control plane's snapshot.
 */
final class AckingSidecar implements AutoCloseable {
  private final ManagedChannel channel;
  private final StreamObserver<DiscoveryRequest> requests;
  private final Node node;
  private final Map<XdsType, DiscoveryResponse> latest = new ConcurrentHashMap<>();
  private List<String> edsNames = List.of();

  AckingSidecar(int xdsPort, String pod, String namespace) {
    this.node = Node.newBuilder().setId(pod + "." + namespace)
        .setMetadata(Struct.newBuilder()
            .putFields(NodeContext.WORKLOAD_KEY, Value.newBuilder().setStringValue(pod).build())
            .putFields(NodeContext.NAMESPACE_KEY, Value.newBuilder().setStringValue(namespace).build()))
        .build();
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", xdsPort).usePlaintext().build();
    this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryResponse r) {
        onResponse(r);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
    send(request(XdsType.CDS, List.of(), "", ""));
    send(request(XdsType.LDS, List.of(), "", ""));
  }

  private synchronized void onResponse(DiscoveryResponse r) {
    XdsType type = XdsType.ofTypeUrl(r.getTypeUrl()).orElseThrow();
    latest.put(type, r);
    send(request(type, type == XdsType.EDS ? edsNames : List.of(), r.getVersionInfo(), r.getNonce()));
    if (type == XdsType.CDS) {
      List<String> clusters = new ArrayList<>();
      for (Cluster c : clusters()) {
        if (c.hasEdsClusterConfig()) {
          clusters.add(c.getName());
        }
      }
      if (!clusters.equals(edsNames)) {
        edsNames = clusters;
        DiscoveryResponse eds = latest.get(XdsType.EDS);
        send(request(XdsType.EDS, clusters, eds == null ? "" : eds.getVersionInfo(), eds == null ? "" : eds.getNonce()));
      }
    }
  }

  private DiscoveryRequest request(XdsType type, List<String> names, String version, String nonce) {
    return DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type.typeUrl()).addAllResourceNames(names)
        .setVersionInfo(version).setResponseNonce(nonce).build();
  }

  private synchronized void send(DiscoveryRequest r) {
    requests.onNext(r);
  }

  /** The version of the last response of {@code type}, or "". */
  String version(XdsType type) {
    DiscoveryResponse r = latest.get(type);
    return r == null ? "" : r.getVersionInfo();
  }

  List<Cluster> clusters() {
    return unpack(XdsType.CDS, Cluster.class);
  }

  List<ClusterLoadAssignment> endpoints() {
    return unpack(XdsType.EDS, ClusterLoadAssignment.class);
  }

  private <T extends com.google.protobuf.Message> List<T> unpack(XdsType type, Class<T> cls) {
    DiscoveryResponse r = latest.get(type);
    if (r == null) {
      return List.of();
    }
    List<T> out = new ArrayList<>();
    for (var any : r.getResourcesList()) {
      try {
        out.add(any.unpack(cls));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }

  @Override
  public void close() {
    requests.onCompleted();
    channel.shutdownNow();
  }
}
