package dev.corral.controlplane.stats;

import static dev.corral.controlplane.stats.Reports.collect;
import static dev.corral.controlplane.stats.Reports.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.api.proto.StatsAck;
import dev.corral.api.proto.StatsReport;
import dev.corral.api.proto.StatsServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sidecars' reports over real gRPC on loopback, into the aggregator, out as JSON and gauges. */
class StatsServiceRoundTripTest {
  private final StatsAggregator aggregator = StatsAggregator.create();
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void reportsFromTwoSidecarsAreAcknowledgedAndAggregated() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new StatsServiceImpl(aggregator)).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    StatsServiceGrpc.StatsServiceStub stub = StatsServiceGrpc.newStub(channel);

    List<StatsAck> acks = new CopyOnWriteArrayList<>();
    StreamObserver<StatsReport> a = stub.report(collect(acks));
    StreamObserver<StatsReport> b = stub.report(collect(acks));
    a.onNext(StatsReport.newBuilder().setNodeId("a").setSequence(1)
        .addServices(service("images.shop.svc.cluster.local", 90, 2_000).setCacheHits(9).setCacheMisses(1)).build());
    a.onNext(StatsReport.newBuilder().setNodeId("a").setSequence(2)
        .addServices(service("images.shop.svc.cluster.local", 10, 2_000).setResponses5Xx(10).setResponses2Xx(0))
        .build());
    b.onNext(StatsReport.newBuilder().setNodeId("b").setSequence(1)
        .addServices(service("images.shop.svc.cluster.local", 50, 40_000)).build());

    await().until(() -> acks.size() == 3);
    assertThat(acks).extracting(StatsAck::getSequence).containsExactlyInAnyOrder(1L, 2L, 1L);
    StatsView view = aggregator.view();
    assertThat(view.sidecars()).isEqualTo(2);
    ServiceSummary images = view.services().get(0);
    assertThat(images.requests()).isEqualTo(150);
    assertThat(images.successRate()).isCloseTo(140 / 150.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(images.p99Ms()).isCloseTo(40.0, org.assertj.core.api.Assertions.within(0.5));
    assertThat(images.cacheHitRatio()).isEqualTo(0.9);

    assertThat(StatsJson.toJson(view))
        .contains("\"sidecars\":2")
        .contains("\"service\":\"images.shop.svc.cluster.local\"")
        .contains("\"requests\":150")
        .contains("\"rps\":5.0")
        .contains("\"cacheHitRatio\":0.9")
        .contains("\"collapseRatio\":null");

    PrometheusRegistry registry = new PrometheusRegistry();
    StatsMetrics.register(registry, aggregator);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    String labels = "direction=\"outbound\",namespace=\"shop\"";
    String service = "service=\"images.shop.svc.cluster.local\"";
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("corral_service_requests_total{" + labels + ",response_class=\"2xx\"," + service + "} 140.0")
        .contains("corral_service_requests_total{" + labels + ",response_class=\"5xx\"," + service + "} 10.0")
        .contains("corral_service_cache_lookups_total{" + labels + ",result=\"hit\"," + service + "} 9.0")
        .contains("corral_service_cache_lookups_total{" + labels + ",result=\"miss\"," + service + "} 1.0")
        // 100 requests of 2 ms, 50 of 40 ms: cumulative buckets
        .contains("corral_service_request_duration_seconds_bucket{" + labels + "," + service + ",le=\"0.001\"} 0")
        .contains("corral_service_request_duration_seconds_bucket{" + labels + "," + service + ",le=\"0.0025\"} 100")
        .contains("corral_service_request_duration_seconds_bucket{" + labels + "," + service + ",le=\"0.05\"} 150")
        .contains("corral_service_request_duration_seconds_bucket{" + labels + "," + service + ",le=\"+Inf\"} 150")
        .contains("corral_service_request_duration_seconds_count{" + labels + "," + service + "} 150")
        .contains("corral_stats_reporting_sidecars 2.0")
        .contains("corral_stats_rejected_entries_total 0.0");

    a.onCompleted();
    b.onCompleted();
  }
}
