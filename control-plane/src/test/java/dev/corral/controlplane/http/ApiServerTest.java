package dev.corral.controlplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.controlplane.xds.NodeGroup;
import dev.corral.controlplane.xds.SnapshotPublisher;
import dev.corral.controlplane.xds.XdsMetrics;
import dev.corral.controlplane.xds.XdsResources;
import dev.corral.controlplane.xds.XdsServer;
import dev.corral.controlplane.xds.XdsType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final SnapshotPublisher publisher = SnapshotPublisher.builder()
      .nodeGroup(NodeGroup.single("mesh"))
      .metrics(new XdsMetrics(registry))
      .coalesceWindow(Duration.ZERO)
      .build();
  private final XdsServer xds = XdsServer.builder(publisher).host("127.0.0.1").port(0).build();
  private ApiServer api;
  private ManagedChannel channel;

  @AfterEach
  void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (api != null) {
      api.close();
    }
    xds.close();
    publisher.close();
  }

  private ApiServer start(ApiServer.Builder builder) throws InterruptedException {
    api = builder.host("127.0.0.1").port(0).build().start();
    return api;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthzAnswersOk() throws Exception {
    start(ApiServer.builder());

    HttpResponse<String> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok\n");
  }

  @Test
  void statsHookIsRegisteredAndEmptyUntilReplaced() throws Exception {
    start(ApiServer.builder());
    assertThat(get("/api/v1/stats").statusCode()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(get("/api/v1/stats").body()).get("services").isEmpty())
        .isTrue();
    api.close();

    start(ApiServer.builder().get(ApiServer.STATS, r -> ApiResponse.json(List.of("filled"))));
    assertThat(get("/api/v1/stats").body()).isEqualTo("[\"filled\"]");
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    start(ApiServer.builder());

    assertThat(get("/nope").statusCode()).isEqualTo(404);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + api.port() + "/healthz"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void xdsStatusAndMetricsShowAConnectedSidecar() throws Exception {
    xds.start();
    start(ApiServer.builder()
        .get(ApiServer.XDS, ApiRoutes.xdsStatus(xds.tracker()))
        .get(ApiServer.METRICS, ApiRoutes.prometheus(registry)));
    publisher.publish("mesh", new XdsResources(
        List.of(Cluster.newBuilder().setName("a").setType(Cluster.DiscoveryType.STATIC).build()),
        List.of(), List.of(), List.of()));
    BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", xds.port()).usePlaintext().build();
    StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .streamAggregatedResources(new StreamObserver<>() {
          @Override
          public void onNext(DiscoveryResponse value) {
            responses.add(value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(XdsType.CDS.typeUrl())
        .setNode(Node.newBuilder().setId("web-1.shop")).build());
    DiscoveryResponse cds = responses.poll(10, TimeUnit.SECONDS);
    assertThat(cds).isNotNull();
    requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(XdsType.CDS.typeUrl())
        .setVersionInfo(cds.getVersionInfo()).setResponseNonce(cds.getNonce()).build());

    await().untilAsserted(() -> {
      JsonNode status = new ObjectMapper().readTree(get("/api/v1/xds").body());
      JsonNode sidecar = status.get("sidecars").get(0);
      assertThat(sidecar.get("nodeId").asText()).isEqualTo("web-1.shop");
      assertThat(sidecar.get("group").asText()).isEqualTo("mesh");
      assertThat(sidecar.at("/types/CDS/ackedVersion").asText()).isEqualTo(cds.getVersionInfo());
    });
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(
        ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(metrics.body())
        .contains("corral_xds_connected_sidecars 1.0")
        .contains("corral_xds_pushes_total{type=\"cds\"} 1.0")
        .contains("corral_xds_push_latency_seconds_count{type=\"cds\"} 1");
    requests.onCompleted();
  }
}
