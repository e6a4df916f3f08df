package dev.corral.sidecar.cluster.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.corral.sidecar.cluster.HealthFlag;
import dev.corral.sidecar.cluster.HealthSink;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.health.HealthChecker.CheckResult;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The threshold and scheduling state machine, with a scripted prober and a hand-driven clock. */
class HealthCheckerTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final Host a = Host.of("10.0.0.1", 8080);
  private final Host b = Host.of("10.0.0.2", 8080);
  private final ManualScheduler clock = new ManualScheduler();
  private final ScriptedProber prober = new ScriptedProber();
  private final Map<Host, Boolean> failed = new HashMap<>();
  private final HealthSink sink = (host, flag, isFailed) -> {
    assertThat(flag).isEqualTo(HealthFlag.FAILED_ACTIVE_HC);
    failed.put(host, isFailed);
  };
  private final List<String> events = new ArrayList<>();
  private final HealthChecker.Listener listener = new HealthChecker.Listener() {
    @Override
    public void checked(Host host, CheckResult result) {
      events.add(host + " " + result);
    }

    @Override
    public void healthChanged(Host host, boolean healthy) {
      events.add(host + (healthy ? " recovered" : " failed"));
    }
  };
  private boolean hadTraffic = true;

  @Test
  void hostsStartHealthyAndAreCheckedAtOnce() {
    HealthChecker checker = checker(base().build(), List.of(a, b));

    checker.start();
    clock.advance(0);

    assertThat(failed).isEmpty();
    assertThat(prober.probes).containsExactly(a, b);
    assertThat(events).containsExactly(a + " HEALTHY", b + " HEALTHY");
  }

  @Test
  void marksHostFailedAfterUnhealthyThresholdFailures() {
    HealthChecker checker = checker(base().build(), List.of(a));
    prober.answer(a, CheckResult.TIMEOUT);

    checker.start();
    clock.advance(0);
    clock.advance(5 * SECOND);
    assertThat(failed).isEmpty();
    clock.advance(5 * SECOND);

    assertThat(failed).containsEntry(a, true);
    assertThat(events).containsExactly(
        a + " TIMEOUT", a + " TIMEOUT", a + " TIMEOUT", a + " failed");
  }

  @Test
  void anUnexpectedStatusMarksTheHostFailedAtOnce() {
    // Envoy: for an HTTP check, a status outside expected_statuses ignores unhealthy_threshold.
    HealthChecker checker = checker(base().build(), List.of(a));
    prober.answer(a, CheckResult.UNHEALTHY);

    checker.start();
    clock.advance(0);

    assertThat(failed).containsEntry(a, true);
    assertThat(events).containsExactly(a + " UNHEALTHY", a + " failed");
  }

  @Test
  void aSuccessResetsTheFailureCount() {
    HealthChecker checker = checker(base().build(), List.of(a));
    prober.answer(a, CheckResult.TIMEOUT);
    checker.start();
    clock.advance(0);
    clock.advance(5 * SECOND);
    prober.answer(a, CheckResult.HEALTHY);
    clock.advance(5 * SECOND);
    prober.answer(a, CheckResult.NETWORK_FAILURE);

    clock.advance(10 * SECOND);

    assertThat(failed).isEmpty();
  }

  @Test
  void recoversAfterHealthyThresholdSuccesses() {
    HealthChecker checker = checker(base().build(), List.of(a));
    prober.answer(a, CheckResult.TIMEOUT);
    checker.start();
    clock.advance(0);
    clock.advance(10 * SECOND);
    assertThat(failed).containsEntry(a, true);

    prober.answer(a, CheckResult.HEALTHY);
    clock.advance(5 * SECOND);
    assertThat(failed).containsEntry(a, true);
    clock.advance(5 * SECOND);

    assertThat(failed).containsEntry(a, false);
    assertThat(events).endsWith(a + " HEALTHY", a + " HEALTHY", a + " recovered");
  }

  @Test
  void timeoutCountsAsFailureAndAbandonsTheProbe() {
    HealthChecker checker = checker(base().setUnhealthyThreshold(UInt32Value.of(1)).build(), List.of(a));
    prober.hang(a);

    checker.start();
    clock.advance(0);
    clock.advance(SECOND - 1);
    assertThat(events).isEmpty();
    clock.advance(1);

    assertThat(events).containsExactly(a + " TIMEOUT", a + " failed");
    assertThat(prober.pending.get(0)).isCancelled();
  }

  @Test
  void aLateAnswerAfterTheTimeoutIsIgnored() {
    HealthChecker checker = checker(base().setUnhealthyThreshold(UInt32Value.of(1)).build(), List.of(a));
    CompletableFuture<CheckResult> late = new CompletableFuture<>();
    prober.next(a, late);
    checker.start();
    clock.advance(0);
    clock.advance(SECOND);

    late.obtrudeValue(CheckResult.HEALTHY);

    assertThat(events).containsExactly(a + " TIMEOUT", a + " failed");
  }

  @Test
  void aProbeThatFailsExceptionallyIsANetworkFailure() {
    HealthChecker checker = checker(base().setUnhealthyThreshold(UInt32Value.of(1)).build(), List.of(a));
    prober.next(a, CompletableFuture.failedFuture(new java.io.IOException("refused")));

    checker.start();
    clock.advance(0);

    assertThat(events).containsExactly(a + " NETWORK_FAILURE", a + " failed");
  }

  @Test
  void checksEveryIntervalAfterTheLastCheckEnds() {
    HealthChecker checker = checker(base().build(), List.of(a));
    checker.start();
    clock.advance(0);

    clock.advance(5 * SECOND - 1);
    assertThat(prober.probes).hasSize(1);
    clock.advance(1);
    assertThat(prober.probes).hasSize(2);
    clock.advance(50 * SECOND);
    assertThat(prober.probes).hasSize(12);
  }

  @Test
  void usesNoTrafficIntervalUntilTheClusterHadTraffic() {
    hadTraffic = false;
    HealthChecker checker = checker(base().setNoTrafficInterval(seconds(60)).build(), List.of(a));
    checker.start();
    clock.advance(0);

    clock.advance(59 * SECOND);
    assertThat(prober.probes).hasSize(1);
    clock.advance(SECOND);
    assertThat(prober.probes).hasSize(2);

    hadTraffic = true;
    clock.advance(60 * SECOND); // the next check was already due in 60 s; then every 5 s
    clock.advance(5 * SECOND);
    assertThat(prober.probes).hasSize(4);
  }

  @Test
  void firstTrafficBringsTheNextCheckForward() {
    hadTraffic = false;
    HealthChecker checker = checker(base().setNoTrafficInterval(seconds(60)).build(), List.of(a));
    checker.start();
    clock.advance(0);
    assertThat(prober.probes).hasSize(1);
    clock.advance(10 * SECOND);

    hadTraffic = true;
    checker.trafficStarted();
    clock.advance(5 * SECOND);

    assertThat(prober.probes).hasSize(2); // at 15 s, not at 60 s
  }

  @Test
  void eachResultAndTransitionWaitsItsOwnInterval() {
    HealthChecker checker = checker(base()
        .setUnhealthyEdgeInterval(seconds(2))
        .setUnhealthyInterval(seconds(30))
        .setHealthyEdgeInterval(seconds(3))
        .build(), List.of(a));
    checker.start();
    clock.advance(0); // t0: passes, healthy: interval
    prober.answer(a, CheckResult.TIMEOUT);
    clock.advance(70 * SECOND); // t5, t7: failure pending; t9: marked failed; t39, t69: still failing
    assertThat(failed).containsEntry(a, true);
    prober.answer(a, CheckResult.HEALTHY);
    clock.advance(43 * SECOND); // t99: recovery pending; t102: recovered; t107, t112

    assertThat(gapsInSeconds()).containsExactly(
        5.0, // after a pass of a healthy host: interval
        2.0, 2.0, // after failures that do not reach unhealthy_threshold yet: unhealthy_edge_interval
        30.0, // after the failure that marks the host failed: unhealthy_interval
        30.0, 30.0, // after failures of a failed host: unhealthy_interval
        3.0, // after a pass that does not reach healthy_threshold yet: healthy_edge_interval
        5.0, // after the pass that marks the host healthy: interval
        5.0);
    assertThat(events).containsSubsequence(a + " failed", a + " recovered");
  }

  @Test
  void withThresholdsOfOneTheEdgeIntervalsAreNeverUsed() {
    HealthChecker checker = checker(base()
        .setUnhealthyThreshold(UInt32Value.of(1))
        .setHealthyThreshold(UInt32Value.of(1))
        .setUnhealthyEdgeInterval(seconds(2))
        .setUnhealthyInterval(seconds(30))
        .setHealthyEdgeInterval(seconds(3))
        .build(), List.of(a));
    checker.start();
    clock.advance(0);
    prober.answer(a, CheckResult.TIMEOUT);
    clock.advance(40 * SECOND); // t5: marked failed; t35: still failing
    prober.answer(a, CheckResult.HEALTHY);
    clock.advance(35 * SECOND); // t65: recovered; t70; t75

    assertThat(gapsInSeconds()).containsExactly(5.0, 30.0, 30.0, 5.0, 5.0);
  }

  @Test
  void unhealthyIntervalAloneAlsoSpacesTheChecksBeforeAHostIsMarkedFailed() {
    // Envoy's default for unhealthy_edge_interval is unhealthy_interval, and healthy_edge_interval's
    // is interval: with only unhealthy_interval set, a failing host takes longer to be marked.
    HealthChecker checker = checker(base().setUnhealthyInterval(seconds(30)).build(), List.of(a));
    checker.start();
    clock.advance(0);
    prober.answer(a, CheckResult.TIMEOUT);
    clock.advance(100 * SECOND); // t5, t35: pending; t65: marked failed; t95
    prober.answer(a, CheckResult.HEALTHY);
    clock.advance(35 * SECOND); // t125: pending; t130: recovered; t135

    assertThat(gapsInSeconds()).containsExactly(5.0, 30.0, 30.0, 30.0, 30.0, 5.0, 5.0);
    assertThat(failed).containsEntry(a, false);
  }

  @Test
  void withoutTrafficHealthyHostsWaitNoTrafficHealthyIntervalAndOthersNoTrafficInterval() {
    hadTraffic = false;
    HealthChecker checker = checker(base()
        .setNoTrafficInterval(seconds(10))
        .setNoTrafficHealthyInterval(seconds(60))
        .setUnhealthyInterval(seconds(30)) // applies only once the cluster had traffic
        .build(), List.of(a));
    checker.start();
    clock.advance(0); // t0: passes
    prober.answer(a, CheckResult.TIMEOUT);
    clock.advance(100 * SECOND); // t60, t70: pending; t80: marked failed; t90, t100
    prober.answer(a, CheckResult.HEALTHY);
    clock.advance(80 * SECOND); // t110: pending; t120: recovered; t180

    assertThat(gapsInSeconds()).containsExactly(60.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 60.0);
  }

  @Test
  void firstTrafficReArmsAFailedHostWithUnhealthyInterval() {
    hadTraffic = false;
    HealthChecker checker = checker(base()
        .setUnhealthyThreshold(UInt32Value.of(1))
        .setNoTrafficInterval(seconds(60))
        .setUnhealthyInterval(seconds(30))
        .build(), List.of(a));
    prober.answer(a, CheckResult.TIMEOUT);
    checker.start();
    clock.advance(10 * SECOND); // t0: marked failed, next check in no_traffic_interval

    hadTraffic = true;
    checker.trafficStarted();
    clock.advance(30 * SECOND - 1);
    assertThat(prober.probes).hasSize(1);
    clock.advance(1);

    assertThat(prober.times).containsExactly(0L, 40 * SECOND); // not at 15 s (interval), nor at 60 s
  }

  @Test
  void firstTrafficBeforeTheFirstCheckKeepsItsInitialJitter() {
    hadTraffic = false;
    HealthChecker checker = checker(base().setInitialJitter(seconds(3)).build(), List.of(a));
    checker.start();
    hadTraffic = true;
    checker.trafficStarted();

    clock.advance(3 * SECOND);

    assertThat(prober.probes).hasSize(1); // not pushed out to the 5 s interval
  }

  @Test
  void jitterIsAddedToTheUnhealthyIntervalToo() {
    HealthChecker checker = checker(base()
        .setUnhealthyThreshold(UInt32Value.of(1))
        .setUnhealthyInterval(seconds(20))
        .setIntervalJitterPercent(10) // of the 20 s that apply: up to 2 s
        .build(), List.of(a));
    prober.answer(a, CheckResult.TIMEOUT);
    checker.start();

    clock.advance(400 * SECOND);

    List<Double> gaps = gapsInSeconds();
    assertThat(gaps).hasSizeGreaterThan(15).allSatisfy(gap -> assertThat(gap).isBetween(20.0, 21.999));
    assertThat(gaps).anySatisfy(gap -> assertThat(gap).isGreaterThan(21.0)); // 10 % of 5 s would be 0.5 s
  }

  @Test
  void jitterStaysWithinItsBounds() {
    HealthChecker checker = checker(base()
        .setIntervalJitter(seconds(1))
        .setIntervalJitterPercent(20) // up to 1 s more of the 5 s interval
        .setInitialJitter(seconds(3))
        .build(), List.of(a));
    checker.start();
    clock.advance(0);

    clock.advance(300 * SECOND);

    assertThat(prober.times.get(0)).isBetween(0L, 3 * SECOND - 1);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < prober.times.size(); i++) {
      gaps.add(prober.times.get(i) - prober.times.get(i - 1));
    }
    assertThat(gaps).hasSizeGreaterThan(40).allSatisfy(gap -> assertThat(gap).isBetween(5 * SECOND, 7 * SECOND - 1));
    assertThat(gaps).anySatisfy(gap -> assertThat(gap).isGreaterThan(6 * SECOND));
  }

  @Test
  void stopEndsChecksAndNewHostsStartHealthy() {
    HealthChecker checker = checker(base().build(), List.of(a));
    checker.start();
    clock.advance(0);
    checker.setHosts(List.of(b));
    clock.advance(0);
    assertThat(prober.probes).containsExactly(a, b);

    clock.advance(5 * SECOND);
    assertThat(prober.probes).containsExactly(a, b, b);

    checker.stop();
    clock.advance(60 * SECOND);
    assertThat(prober.probes).hasSize(3);
    assertThat(clock.pending()).isZero();
  }

  @Test
  void stopClearsTheFlagsItSetSoARestartBeginsHealthy() {
    HealthChecker checker = checker(base().setUnhealthyThreshold(UInt32Value.of(1)).build(), List.of(a, b));
    prober.answer(a, CheckResult.TIMEOUT);
    checker.start();
    clock.advance(0);
    assertThat(failed).containsExactly(Map.entry(a, true));

    checker.stop();
    assertThat(failed).containsExactly(Map.entry(a, false));

    checker.start();
    clock.advance(0);
    assertThat(failed).containsExactly(Map.entry(a, true));
  }

  private static HealthCheck.Builder base() {
    return HealthCheck.newBuilder()
        .setTimeout(seconds(1))
        .setInterval(seconds(5))
        .setUnhealthyThreshold(UInt32Value.of(3))
        .setHealthyThreshold(UInt32Value.of(2))
        .setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz"));
  }

  private HealthChecker checker(HealthCheck proto, List<Host> hosts) {
    return new HealthChecker(HealthCheckConfig.fromProto(proto), hosts, sink, listener, prober, clock,
        () -> hadTraffic, new SplittableRandom(3));
  }

  /** The time between one check and the next, in seconds. */
  private List<Double> gapsInSeconds() {
    List<Double> gaps = new ArrayList<>();
    for (int i = 1; i < prober.times.size(); i++) {
      gaps.add((prober.times.get(i) - prober.times.get(i - 1)) / (double) SECOND);
    }
    return gaps;
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }

  /** Answers each host with its current scripted result (healthy by default), or hangs. */
  private final class ScriptedProber implements Prober {
    final List<Host> probes = new ArrayList<>();
    final List<Long> times = new ArrayList<>();
    final List<CompletableFuture<CheckResult>> pending = new ArrayList<>();
    private final Map<Host, CheckResult> answers = new HashMap<>();
    private final Map<Host, Boolean> hanging = new HashMap<>();
    private final Map<Host, CompletableFuture<CheckResult>> next = new HashMap<>();

    void answer(Host host, CheckResult result) {
      answers.put(host, result);
      hanging.remove(host);
    }

    void hang(Host host) {
      hanging.put(host, true);
    }

    void next(Host host, CompletableFuture<CheckResult> future) {
      next.put(host, future);
    }

    @Override
    public CompletableFuture<CheckResult> probe(Host host) {
      probes.add(host);
      times.add(clock.now());
      CompletableFuture<CheckResult> scripted = next.remove(host);
      if (scripted != null) {
        return scripted;
      }
      if (hanging.containsKey(host)) {
        CompletableFuture<CheckResult> never = new CompletableFuture<>();
        pending.add(never);
        return never;
      }
      return CompletableFuture.completedFuture(answers.getOrDefault(host, CheckResult.HEALTHY));
    }
  }
}
