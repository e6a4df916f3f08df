package dev.corral.sidecar.cluster.lb;

import static dev.corral.sidecar.cluster.lb.TestHosts.equalHosts;
import static dev.corral.sidecar.cluster.lb.TestHosts.tally;
import static dev.corral.sidecar.cluster.lb.TestHosts.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PeakEwmaLoadBalancerTest {
  private static final long MS = 1_000_000;

  private final AtomicLong clock = new AtomicLong(1_000_000 * MS);

  @Test
  void avoidsASlowHost() {
    List<Host> hosts = equalHosts(3);
    observe(hosts.get(0), 5 * MS);
    observe(hosts.get(1), 5 * MS);
    observe(hosts.get(2), 200 * MS);
    LoadBalancer lb = LoadBalancers.peakEwma(new SplittableRandom(1), clock::get).create(hosts);

    Map<Host, Integer> counts = tally(lb, 3_000);

    assertThat(counts.getOrDefault(hosts.get(2), 0)).isZero();
    assertThat(counts.get(hosts.get(0))).isBetween(1_350, 1_650);
  }

  @Test
  void prefersTheHostWithFewerRequestsInFlightAtEqualLatency() {
    List<Host> hosts = equalHosts(2);
    observe(hosts.get(0), 10 * MS);
    observe(hosts.get(1), 10 * MS);
    hosts.get(0).requestStarted();
    LoadBalancer lb = LoadBalancers.peakEwma(new SplittableRandom(1), clock::get).create(hosts);

    assertThat(tally(lb, 100)).containsOnlyKeys(hosts.get(1));
  }

  @Test
  void tradesLatencyAgainstLoad() {
    List<Host> hosts = equalHosts(2);
    observe(hosts.get(0), 10 * MS);
    observe(hosts.get(1), 30 * MS);
    for (int i = 0; i < 3; i++) {
      hosts.get(0).requestStarted(); // cost 10 * 4 = 40 > 30 * 1
    }
    LoadBalancer lb = LoadBalancers.peakEwma(new SplittableRandom(1), clock::get).create(hosts);

    assertThat(lb.pick(PickContext.none())).isSameAs(hosts.get(1));
  }

  @Test
  void dividesCostByWeight() {
    List<Host> hosts = weighted(4, 1);
    observe(hosts.get(0), 20 * MS); // 20 / 4 = 5 < 10
    observe(hosts.get(1), 10 * MS);
    LoadBalancer lb = LoadBalancers.peakEwma(new SplittableRandom(1), clock::get).create(hosts);

    assertThat(lb.pick(PickContext.none())).isSameAs(hosts.get(0));
  }

  @Test
  void triesAHostWithoutSamples() {
    List<Host> hosts = equalHosts(2);
    observe(hosts.get(0), 10 * MS);
    LoadBalancer lb = LoadBalancers.peakEwma(new SplittableRandom(1), clock::get).create(hosts);

    assertThat(lb.pick(PickContext.none())).isSameAs(hosts.get(1));
  }

  @Test
  void probesASlowHostAgainOnceItsPeakHasDecayed() {
    List<Host> hosts = equalHosts(2);
    observe(hosts.get(1), 100 * MS);
    observe(hosts.get(0), 10 * MS);
    LoadBalancer lb =
        LoadBalancers.peakEwma(new SplittableRandom(1), clock::get, Duration.ofSeconds(1)).create(hosts);
    assertThat(lb.pick(PickContext.none())).isSameAs(hosts.get(0));

    // Host 0 keeps answering in 10 ms; host 1's old peak decays to below that.
    clock.addAndGet(5_000 * MS);
    observe(hosts.get(0), 10 * MS);

    assertThat(lb.pick(PickContext.none())).isSameAs(hosts.get(1));
  }

  @Test
  void returnsNullWithoutHostsAndTheOnlyHostOtherwise() {
    LoadBalancer.Factory factory = LoadBalancers.peakEwma(new SplittableRandom(1), clock::get);
    List<Host> one = equalHosts(1);

    assertThat(factory.create(List.of()).pick(PickContext.none())).isNull();
    assertThat(factory.create(one).pick(PickContext.none())).isSameAs(one.get(0));
  }

  @Test
  void rejectsANonPositiveDecay() {
    assertThatThrownBy(
            () -> LoadBalancers.peakEwma(new SplittableRandom(1), clock::get, Duration.ZERO))
        .hasMessage("decay: PT0S (expected: > 0)");
  }

  private void observe(Host host, long rttNanos) {
    host.latency().observe(rttNanos, clock.get());
  }
}
