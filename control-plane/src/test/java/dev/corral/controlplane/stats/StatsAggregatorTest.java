package dev.corral.controlplane.stats;

import static dev.corral.controlplane.stats.Reports.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import dev.corral.api.proto.ServiceStats;
import dev.corral.api.proto.StatsReport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatsAggregatorTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final StatsAggregator aggregator =
      StatsAggregator.create(Duration.ofSeconds(30), Duration.ofSeconds(5), clock::get);

  @Test
  void percentilesComeFromTheMergedHistogramsOfEverySidecar() {
    // One fast sidecar and one slow one: averaging their p99s would say 50.5 ms.
    aggregator.add(report("a", service("images", 900, 1_000)));
    aggregator.add(report("b", service("images", 100, 100_000)));

    ServiceSummary images = aggregator.view().services().get(0);
    assertThat(images.requests()).isEqualTo(1000);
    assertThat(images.p50Ms()).isCloseTo(1.0, within(0.02));
    assertThat(images.p95Ms()).isCloseTo(100.0, within(1.0));
    assertThat(images.p99Ms()).isCloseTo(100.0, within(1.0));
    assertThat(images.sidecars()).isEqualTo(2);
    assertThat(aggregator.view().sidecars()).isEqualTo(2);
  }

  @Test
  void rpsIsComputedOverTheWindow() {
    for (int i = 0; i < 6; i++) {
      aggregator.add(report("a", service("images", 500, 1_000)));
      clock.addAndGet(5_000);
    }
    clock.addAndGet(-1); // still inside the window of the last 6 buckets

    ServiceSummary images = aggregator.view().services().get(0);
    assertThat(images.requests()).isEqualTo(3000);
    assertThat(images.rps()).isEqualTo(100.0);
  }

  @Test
  void aShorterViewCountsOnlyItsLastBucketsAndALongerOneIsRefused() {
    aggregator.add(report("a", service("images", 300, 1_000)));
    clock.addAndGet(15_000);
    aggregator.add(report("a", service("images", 50, 1_000).setResponses2Xx(40).setResponses5Xx(10)));

    StatsView last10s = aggregator.view(Duration.ofSeconds(10));
    assertThat(last10s.window()).isEqualTo(Duration.ofSeconds(10));
    ServiceSummary images = last10s.services().get(0);
    assertThat(images.requests()).isEqualTo(50);
    assertThat(images.rps()).isEqualTo(5.0);
    assertThat(images.errors()).isEqualTo(10);
    assertThat(aggregator.view(Duration.ofSeconds(7)).window()).as("whole buckets").isEqualTo(Duration.ofSeconds(10));
    assertThat(aggregator.view().services().get(0).requests()).isEqualTo(350);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> aggregator.view(Duration.ofMinutes(1)))
        .hasMessageContaining("window: PT1M (expected: > 0 and <= PT30S)");
  }

  @Test
  void theWindowSlides() {
    aggregator.add(report("a", service("images", 300, 1_000)));
    clock.addAndGet(15_000);
    aggregator.add(report("b", service("images", 30, 1_000)));
    assertThat(aggregator.view().services().get(0).requests()).isEqualTo(330);

    clock.addAndGet(20_000); // the first report is 35 s old now
    StatsView view = aggregator.view();
    assertThat(view.services().get(0).requests()).isEqualTo(30);
    assertThat(view.sidecars()).isEqualTo(1);

    clock.addAndGet(20_000);
    assertThat(aggregator.view().services()).isEmpty();
    assertThat(aggregator.view().sidecars()).isZero();
  }

  @Test
  void computesSuccessRateCacheAndCollapseRatiosRetriesAndEjectionsPerDirection() {
    aggregator.add(report("a",
        service("images", 90, 1_000).setRequests(100).setResponses5Xx(10)
            .setCacheHits(30).setCacheMisses(10).setCollapsedLeaders(5).setCollapsedFollowers(15)
            .setRetries(60).setEjections(2),
        service("images", 10, 1_000).setDirection("inbound")));

    StatsView view = aggregator.view();
    assertThat(view.services()).extracting(ServiceSummary::direction).containsExactly("inbound", "outbound");
    ServiceSummary outbound = view.services().get(1);
    assertThat(outbound.successRate()).isEqualTo(0.9);
    assertThat(outbound.cacheHitRatio()).isEqualTo(0.75);
    assertThat(outbound.collapseRatio()).isEqualTo(0.75);
    assertThat(outbound.retriesPerSecond()).isEqualTo(2.0);
    assertThat(outbound.ejections()).isEqualTo(2);
    ServiceSummary inbound = view.services().get(0);
    assertThat(inbound.requests()).isEqualTo(10);
    assertThat(inbound.cacheHitRatio()).as("no cache traffic").isNull();
    assertThat(inbound.collapseRatio()).isNull();
  }

  @Test
  void skipsMalformedEntriesAndKeepsTheRest() {
    aggregator.add(report("a",
        service("images", 10, 1_000).setDirection("sideways"),
        service("", 10, 1_000),
        service("reviews", 10, 1_000).setLatencyHistogram(ByteString.copyFromUtf8("not a histogram")),
        service("ratings", 10, 1_000)));

    StatsView view = aggregator.view();
    assertThat(view.services()).extracting(ServiceSummary::service).containsExactly("ratings", "reviews");
    assertThat(view.services().get(1).requests()).as("counts still count").isEqualTo(10);
    assertThat(view.services().get(1).p99Ms()).isNull();
    assertThat(aggregator.rejected()).isEqualTo(3);
  }

  private static StatsReport report(String node, ServiceStats.Builder... services) {
    StatsReport.Builder report = StatsReport.newBuilder().setNodeId(node);
    for (ServiceStats.Builder service : services) {
      report.addServices(service);
    }
    return report.build();
  }
}
