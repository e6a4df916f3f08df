package dev.corral.sidecar.stats.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.api.proto.ServiceStats;
import dev.corral.api.proto.StatsReport;
import dev.corral.sidecar.stats.ClusterStats;
import dev.corral.sidecar.stats.SidecarMetrics;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ServiceStatsRecorderTest {
  private static final String IMAGES = "outbound|8080||images.shop.svc.cluster.local";

  @Test
  void countsRequestsByClassAndReportsOnlyTheDeltaSinceTheLastDrain() {
    ServiceStatsRecorder recorder = ServiceStatsRecorder.create();
    recorder.requestDone("images", 200, TimeUnit.MILLISECONDS.toNanos(2));
    recorder.requestDone("images", 204, TimeUnit.MILLISECONDS.toNanos(2));
    recorder.requestDone("images", 304, TimeUnit.MILLISECONDS.toNanos(2));
    recorder.requestDone("images", 404, TimeUnit.MILLISECONDS.toNanos(2));
    recorder.requestDone("images", 503, TimeUnit.MILLISECONDS.toNanos(2));
    recorder.retry("images");
    recorder.ejection("images");
    recorder.forCluster("images").cacheHit();
    recorder.forCluster("images").cacheMiss();
    recorder.forCluster("images").collapsedFollower();
    recorder.forCluster("images").collapsedLeader();

    ServiceStats first = drain(recorder).getServices(0);
    assertThat(first.getService()).isEqualTo("images");
    assertThat(first.getDirection()).isEqualTo("outbound");
    assertThat(first.getRequests()).isEqualTo(5);
    assertThat(first.getResponses2Xx()).isEqualTo(2);
    assertThat(first.getResponses3Xx()).isEqualTo(1);
    assertThat(first.getResponses4Xx()).isEqualTo(1);
    assertThat(first.getResponses5Xx()).isEqualTo(1);
    assertThat(first.getRetries()).isEqualTo(1);
    assertThat(first.getEjections()).isEqualTo(1);
    assertThat(first.getCacheHits()).isEqualTo(1);
    assertThat(first.getCacheMisses()).isEqualTo(1);
    assertThat(first.getCollapsedFollowers()).isEqualTo(1);
    assertThat(first.getCollapsedLeaders()).isEqualTo(1);

    recorder.requestDone("images", 200, 1_000);
    ServiceStats second = drain(recorder).getServices(0);
    assertThat(second.getRequests()).isEqualTo(1);
    assertThat(second.getRetries()).isZero();
    assertThat(drain(recorder).getServicesList()).as("nothing happened since").isEmpty();
  }

  @Test
  void encodesLatencyAsMicrosecondHdrHistogram() throws Exception {
    ServiceStatsRecorder recorder = ServiceStatsRecorder.create();
    for (int i = 0; i < 99; i++) {
      recorder.requestDone("images", 200, TimeUnit.MILLISECONDS.toNanos(1));
    }
    recorder.requestDone("images", 200, TimeUnit.MILLISECONDS.toNanos(500));

    Histogram latency = Histogram.decodeFromCompressedByteBuffer(
        drain(recorder).getServices(0).getLatencyHistogram().asReadOnlyByteBuffer(), 0);
    assertThat(latency.getTotalCount()).isEqualTo(100);
    assertThat(latency.getValueAtPercentile(50)).isBetween(990L, 1010L);
    assertThat(latency.getMaxValue()).isBetween(495_000L, 505_000L);
  }

  @Test
  void clustersOfOneServiceShareCountersAndInboundCountsForTheLocalService() {
    ServiceStatsRecorder recorder = ServiceStatsRecorder.create(ServiceNaming.mesh("reviews.shop.svc.cluster.local"));
    recorder.requestDone(IMAGES, 200, 1_000);
    recorder.requestDone("outbound|8080|v2|images.shop.svc.cluster.local", 200, 1_000);
    recorder.requestDone("inbound|9080||", 500, 1_000);

    StatsReport report = drain(recorder);
    assertThat(report.getServicesList())
        .extracting(ServiceStats::getService, ServiceStats::getDirection, ServiceStats::getRequests)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("images.shop.svc.cluster.local", "outbound", 2L),
            org.assertj.core.groups.Tuple.tuple("reviews.shop.svc.cluster.local", "inbound", 1L));
  }

  @Test
  void undrainedDeltasAddUpAcrossIntervals() {
    ServiceStatsRecorder recorder = ServiceStatsRecorder.create();
    StatsDelta pending = new StatsDelta();
    recorder.requestDone("images", 200, 1_000);
    recorder.drainInto(pending);
    recorder.requestDone("images", 500, 2_000);
    recorder.drainInto(pending);

    ServiceStats stats = pending.toReport("node", "", 1).getServices(0);
    assertThat(stats.getRequests()).isEqualTo(2);
    assertThat(stats.getResponses5Xx()).isEqualTo(1);
  }

  @Test
  void clusterStatsForwardExchangesRetriesAndEjectionsToTheirService() {
    SidecarMetrics metrics = new SidecarMetrics(ServiceStatsRecorder.create(ServiceNaming.mesh("")));
    ClusterStats cluster = metrics.cluster(IMAGES);
    cluster.exchangeDone(200, 1_000_000);
    cluster.retry("503");
    cluster.ejected("consecutive_5xx");

    StatsDelta delta = new StatsDelta();
    metrics.serviceStats().drainInto(delta);
    ServiceKey images = ServiceKey.outbound("images.shop.svc.cluster.local");
    assertThat(delta.count(images, Count.REQUESTS)).isEqualTo(1);
    assertThat(delta.count(images, Count.RETRIES)).isEqualTo(1);
    assertThat(delta.count(images, Count.EJECTIONS)).isEqualTo(1);
  }

  private static StatsReport drain(ServiceStatsRecorder recorder) {
    StatsDelta delta = new StatsDelta();
    recorder.drainInto(delta);
    return delta.toReport("node", "", 1);
  }
}
