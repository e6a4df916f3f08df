package dev.corral.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.corral.controlplane.model.Endpoint;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.ServiceEndpoints;
import dev.corral.controlplane.model.ServiceKey;
import dev.corral.controlplane.model.ServicePort;
import dev.corral.controlplane.translate.NodeContext;
import dev.corral.controlplane.translate.PlacementFilters;
import dev.corral.controlplane.xds.SnapshotPublisher;
import dev.corral.controlplane.xds.XdsServer;
import dev.corral.controlplane.xds.XdsType;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Local mode's detour through a pod's own sidecar lasts as long as that sidecar's ADS stream: when
 * it connects, callers' endpoints of its pod move to its inbound port; when its last stream
 * closes, they go straight to the app again (the pod stays listed: its EndpointSlice says so).
 */
class MeshPublisherLocalSidecarsTest {
  private static final int APP_PORT = 18080;
  private static final int IMAGES_INBOUND = 16006;
  private static final String CLUSTER = "outbound|8080||images.shop.svc.cluster.local";

  private MeshPublisher mesh;
  private SnapshotPublisher publisher;
  private XdsServer server;

  @AfterEach
  void stop() {
    server.close();
    publisher.close();
  }

  @Test
  void endpointsGoDirectAgainWhenTheLocalSidecarDisconnects() throws Exception {
    mesh = new MeshPublisher(PlacementFilters.none());
    publisher = SnapshotPublisher.builder().nodeGroup(mesh).coalesceWindow(Duration.ofMillis(10)).build();
    mesh.attach(publisher);
    server = XdsServer.builder(publisher).host("127.0.0.1").port(0).policies(mesh.policies()).build().start();
    mesh.onModel(model());

    try (Client frontend = new Client(server.port(), node("frontend-0", "frontend", 16101, 16106, 18081))) {
      frontend.subscribe(XdsType.CDS);
      frontend.ack(frontend.next());
      frontend.subscribe(XdsType.EDS, CLUSTER);
      assertThat(port(frontend.ackNext())).isEqualTo(APP_PORT);

      Client images = new Client(server.port(), node("images-0", "images", 16001, IMAGES_INBOUND, APP_PORT));
      images.subscribe(XdsType.CDS);
      assertThat(port(frontend.ackNext())).as("through images-0's sidecar").isEqualTo(IMAGES_INBOUND);
      assertThat(mesh.localSidecars().byPod()).containsOnlyKeys("shop/frontend-0", "shop/images-0");

      images.close();
      assertThat(port(frontend.ackNext())).as("straight to the app again").isEqualTo(APP_PORT);
      assertThat(mesh.localSidecars().byPod()).containsOnlyKeys("shop/frontend-0");
      assertThat(publisher.knownGroups()).hasSize(1);
    }
  }

  private static MeshModel model() {
    ServiceKey images = ServiceKey.of("shop", "images");
    ServiceKey frontend = ServiceKey.of("shop", "frontend");
    ServicePort http = new ServicePort("http", 8080, ServicePort.TargetPort.named("http"), "TCP", "http");
    return MeshModel.of(
        List.of(new Service(images, List.of(http)), new Service(frontend, List.of(http))),
        List.of(
            new ServiceEndpoints(images, List.of(
                new Endpoint("127.0.0.1", Map.of("http", APP_PORT), "zone-a", true, true, false, "images-0"))),
            new ServiceEndpoints(frontend, List.of(
                new Endpoint("127.0.0.1", Map.of("http", 18081), "zone-a", true, true, false, "frontend-0")))),
        List.of());
  }

  private static Node node(String pod, String workload, int outbound, int inbound, int app) {
    return Node.newBuilder().setId(pod + ".shop").setMetadata(Struct.newBuilder()
        .putFields(NodeContext.WORKLOAD_KEY, Value.newBuilder().setStringValue(workload).build())
        .putFields(NodeContext.LISTEN_ADDRESS_KEY, Value.newBuilder().setStringValue("127.0.0.1").build())
        .putFields(NodeContext.OUTBOUND_PORT_KEY, Value.newBuilder().setNumberValue(outbound).build())
        .putFields(NodeContext.INBOUND_PORT_KEY, Value.newBuilder().setNumberValue(inbound).build())
        .putFields(NodeContext.APP_PORT_KEY, Value.newBuilder().setNumberValue(app).build()))
        .build();
  }

  private static int port(DiscoveryResponse eds) throws Exception {
    assertThat(eds.getTypeUrl()).isEqualTo(XdsType.EDS.typeUrl());
    ClusterLoadAssignment cla = eds.getResources(0).unpack(ClusterLoadAssignment.class);
    return cla.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue();
  }

  /** One ADS stream on real gRPC; the node goes on every request. */
  private static final class Client implements AutoCloseable {
    private final Node node;
    private final ManagedChannel channel;
    private final StreamObserver<DiscoveryRequest> requests;
    private final BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
    private final Map<String, List<String>> names = new java.util.concurrent.ConcurrentHashMap<>();

    Client(int port, Node node) {
      this.node = node;
      this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
        @Override
        public void onNext(DiscoveryResponse r) {
          responses.add(r);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      });
    }

    synchronized void subscribe(XdsType type, String... resourceNames) {
      names.put(type.typeUrl(), List.of(resourceNames));
      requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type.typeUrl())
          .addAllResourceNames(List.of(resourceNames)).build());
    }

    DiscoveryResponse next() throws InterruptedException {
      DiscoveryResponse r = responses.poll(10, TimeUnit.SECONDS);
      assertThat(r).as("a response").isNotNull();
      return r;
    }

    synchronized void ack(DiscoveryResponse r) {
      requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(r.getTypeUrl())
          .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce())
          .addAllResourceNames(names.getOrDefault(r.getTypeUrl(), List.of())).build());
    }

    /** The next EDS response (other types are ACKed and skipped), ACKed. */
    DiscoveryResponse ackNext() throws InterruptedException {
      while (true) {
        DiscoveryResponse r = next();
        ack(r);
        if (r.getTypeUrl().equals(XdsType.EDS.typeUrl())) {
          return r;
        }
      }
    }

    @Override
    public synchronized void close() {
      requests.onCompleted();
      channel.shutdownNow();
    }
  }
}
