package dev.corral.sidecar.stats.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.api.proto.ServiceStats;
import dev.corral.api.proto.StatsAck;
import dev.corral.api.proto.StatsReport;
import dev.corral.api.proto.StatsServiceGrpc;
import dev.corral.sidecar.retry.Backoff;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatsReporterTest {
  private final String name = InProcessServerBuilder.generateName();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  private final ServiceStatsRecorder recorder = ServiceStatsRecorder.create();
  private final StatsReporter reporter = StatsReporter.create(channel, recorder, "pod-a.shop",
      "frontend.shop.svc.cluster.local", Duration.ofSeconds(5),
      Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(1)), executor, System::currentTimeMillis);
  private final FakeStatsService service = new FakeStatsService();
  private Server server;

  @AfterEach
  void tearDown() throws Exception {
    reporter.close();
    channel.shutdownNow();
    executor.shutdownNow();
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void sendsEachIntervalsDeltasAndTheControlPlaneAcksThem() throws Exception {
    startServer();
    recorder.requestDone("images", 200, 1_000_000);
    recorder.requestDone("images", 503, 1_000_000);
    tick();
    await().until(() -> service.reports.size() == 1);
    recorder.requestDone("images", 200, 1_000_000);
    tick();
    await().until(() -> service.reports.size() == 2);

    assertThat(service.reports.get(0).getNodeId()).isEqualTo("pod-a.shop");
    assertThat(service.reports.get(0).getSourceService()).isEqualTo("frontend.shop.svc.cluster.local");
    assertThat(service.reports).extracting(StatsReport::getSequence).containsExactly(1L, 2L);
    assertThat(service.reports.get(0).getServices(0).getRequests()).isEqualTo(2);
    assertThat(service.reports.get(1).getServices(0).getRequests()).isEqualTo(1);
    assertThat(service.reports.get(1).getIntervalStartUnixMs())
        .isEqualTo(service.reports.get(0).getIntervalEndUnixMs());
    await().until(() -> executor.submit(reporter::reportsAcked).get() == 2);
  }

  @Test
  void accumulatesWhileTheControlPlaneIsAwayAndSendsItAllOnReconnect() throws Exception {
    recorder.requestDone("images", 200, 1_000_000);
    tick(); // no server: the stream fails; the delta stays pending
    Thread.sleep(20);
    recorder.requestDone("images", 500, 200_000_000);
    tick();
    Thread.sleep(20);
    recorder.requestDone("images", 200, 1_000_000);

    startServer();
    await().untilAsserted(() -> {
      tick();
      assertThat(service.totalRequests()).isEqualTo(3);
    });
    ServiceStats all = service.reports.stream().flatMap(r -> r.getServicesList().stream())
        .filter(s -> s.getRequests() > 0).findFirst().orElseThrow();
    assertThat(all.getResponses5Xx()).isEqualTo(1);
    assertThat(org.HdrHistogram.Histogram.decodeFromCompressedByteBuffer(
        all.getLatencyHistogram().asReadOnlyByteBuffer(), 0).getTotalCount())
        .as("the histograms of the missed intervals merged").isEqualTo(3);
  }

  @Test
  void resendsReportsThatWereNotAcknowledgedWhenTheStreamBroke() throws Exception {
    service.ack = false;
    startServer();
    recorder.requestDone("images", 200, 1_000_000);
    tick();
    await().until(() -> service.reports.size() == 1);
    service.ack = true;
    service.failOpenStreams();
    await().untilAsserted(() -> {
      tick();
      assertThat(service.reports.size()).isGreaterThanOrEqualTo(2);
    });
    assertThat(service.reports.get(service.reports.size() - 1).getServicesList())
        .extracting(ServiceStats::getRequests).containsExactly(1L);
  }

  private void tick() throws Exception {
    executor.submit(reporter::tick).get();
  }

  private void startServer() throws Exception {
    server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
  }

  /** Records reports; acks them unless told not to. */
  static final class FakeStatsService extends StatsServiceGrpc.StatsServiceImplBase {
    final List<StatsReport> reports = new CopyOnWriteArrayList<>();
    final List<StreamObserver<StatsAck>> open = new CopyOnWriteArrayList<>();
    volatile boolean ack = true;

    @Override
    public StreamObserver<StatsReport> report(StreamObserver<StatsAck> acks) {
      open.add(acks);
      return new StreamObserver<>() {
        @Override
        public void onNext(StatsReport report) {
          reports.add(report);
          if (ack) {
            acks.onNext(StatsAck.newBuilder().setSequence(report.getSequence()).build());
          }
        }

        @Override
        public void onError(Throwable t) {
          open.remove(acks);
        }

        @Override
        public void onCompleted() {
          open.remove(acks);
          acks.onCompleted();
        }
      };
    }

    void failOpenStreams() {
      for (StreamObserver<StatsAck> acks : open) {
        acks.onError(io.grpc.Status.UNAVAILABLE.asRuntimeException());
      }
      open.clear();
    }

    long totalRequests() {
      return reports.stream().flatMap(r -> r.getServicesList().stream()).mapToLong(ServiceStats::getRequests).sum();
    }
  }
}
