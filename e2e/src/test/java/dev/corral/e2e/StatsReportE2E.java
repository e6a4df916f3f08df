package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.api.proto.ServiceStats;
import dev.corral.api.proto.StatsAck;
import dev.corral.api.proto.StatsReport;
import dev.corral.api.proto.StatsServiceGrpc;
import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.RawSidecars;
import dev.corral.e2e.support.SidecarProcess;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The real sidecar counts its traffic per service and streams the deltas to a StatsService named
 * in its bootstrap's node metadata, and keeps them while the control plane is away.
 */
class StatsReportE2E {
  private final List<StatsReport> reports = new CopyOnWriteArrayList<>();

  @Test
  void sidecarReportsRequestsPerServiceToTheControlPlane() throws Exception {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new Recording()).build().start();
    int statsPort = server.getPort();
    server.shutdownNow().awaitTermination(); // away at first: the sidecar must keep what it counts
    try (HttpBackend hello = new HttpBackend("hello")) {
      BootstrapBuilder bootstrap = new BootstrapBuilder();
      bootstrap.cluster("hello", hello.port());
      String yaml = RawSidecars.edit(bootstrap.yaml(), "node: { id: e2e.test, cluster: e2e }",
          "node: { id: e2e.test, cluster: e2e, metadata: { corral.stats_address: \"127.0.0.1:" + statsPort
              + "\", corral.stats_interval: 200ms } }");
      SidecarProcess sidecar = RawSidecars.start(yaml, bootstrap.adminPort(), bootstrap.listenerPort());
      try {
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 5; i++) {
          HttpResponse<String> response = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + bootstrap.listenerPort() + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(response.statusCode()).isEqualTo(200);
        }
        Thread.sleep(500); // a couple of intervals with nobody to report to

        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", statsPort))
            .addService(new Recording()).build().start();
        await().atMost(Duration.ofSeconds(40)).until(() -> requests() >= 5);
        Thread.sleep(600);
        assertThat(requests()).isEqualTo(5);
        StatsReport report = reports.stream().filter(r -> r.getServicesCount() > 0).findFirst().orElseThrow();
        assertThat(report.getNodeId()).isEqualTo("e2e.test");
        ServiceStats hello2 = report.getServices(0);
        assertThat(hello2.getService()).isEqualTo("hello");
        assertThat(hello2.getDirection()).isEqualTo("outbound");
        assertThat(hello2.getResponses2Xx()).isEqualTo(5);
        Histogram latency = Histogram.decodeFromCompressedByteBuffer(
            ByteBuffer.wrap(hello2.getLatencyHistogram().toByteArray()), 0);
        assertThat(latency.getTotalCount()).isEqualTo(5);
      } finally {
        sidecar.close();
        server.shutdownNow();
      }
    }
  }

  private long requests() {
    return reports.stream().flatMap(r -> r.getServicesList().stream()).mapToLong(ServiceStats::getRequests).sum();
  }

  private final class Recording extends StatsServiceGrpc.StatsServiceImplBase {
    @Override
    public StreamObserver<StatsReport> report(StreamObserver<StatsAck> acks) {
      return new StreamObserver<>() {
        @Override
        public void onNext(StatsReport report) {
          reports.add(report);
          acks.onNext(StatsAck.newBuilder().setSequence(report.getSequence()).build());
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
          acks.onCompleted();
        }
      };
    }
  }
}
