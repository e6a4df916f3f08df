package dev.corral.sidecar.cluster.outlier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.corral.sidecar.cluster.HealthFlag;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.outlier.OutlierDetector.EjectionType;
import dev.corral.sidecar.cluster.outlier.OutlierDetector.LocalOriginFailure;
import dev.corral.sidecar.cluster.outlier.OutlierDetector.Outcome;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final List<Host> hosts = hosts(10);
  private final Host host = hosts.get(0);
  private final RecordingSink sink = new RecordingSink();
  private final Recorder events = new Recorder();
  private long now = 1_000 * SECOND;

  @Test
  void ejectsHostAfterFiveConsecutive5xx() {
    OutlierDetector detector = detector(OutlierDetection.getDefaultInstance());

    fail(detector, host, 500, 4);
    assertThat(sink.flagged(host)).isFalse();
    detector.reportStatus(host, 500);

    assertThat(sink.flagged(host)).isTrue();
    assertThat(events.detected).containsExactly(host + " CONSECUTIVE_5XX EJECTED");
    assertThat(detector.timesEjected(host)).isEqualTo(1);
    assertThat(detector.ejectedUntilNanos(host)).hasValue(now + 30 * SECOND);
    assertThat(detector.activeEjections()).isEqualTo(1);
  }

  @Test
  void aSuccessInBetweenResetsTheCount() {
    OutlierDetector detector = detector(OutlierDetection.getDefaultInstance());

    fail(detector, host, 500, 4);
    detector.reportStatus(host, 200);
    fail(detector, host, 500, 4);
    detector.reportStatus(host, 404);
    fail(detector, host, 500, 4);

    assertThat(sink.flagged(host)).isFalse();
    assertThat(events.detected).isEmpty();
  }

  @Test
  void gatewayFailuresAreDetectedButNotEnforcedByDefault() {
    OutlierDetection noFiveXx = OutlierDetection.newBuilder().setConsecutive5Xx(u32(100)).build();
    OutlierDetector detector = detector(noFiveXx);

    fail(detector, host, 503, 5);

    assertThat(sink.flagged(host)).isFalse();
    assertThat(events.detected).containsExactly(host + " CONSECUTIVE_GATEWAY_FAILURE NOT_ENFORCED");
  }

  @Test
  void gatewayFailuresEjectWhenEnforced() {
    OutlierDetector detector = detector(OutlierDetection.newBuilder()
        .setConsecutive5Xx(u32(100))
        .setEnforcingConsecutiveGatewayFailure(u32(100))
        .build());

    fail(detector, host, 502, 2);
    detector.reportStatus(host, 500); // a 5xx that is no gateway failure breaks the run
    fail(detector, host, 504, 4);
    assertThat(sink.flagged(host)).isFalse();
    detector.reportStatus(host, 503);

    assertThat(sink.flagged(host)).isTrue();
    assertThat(events.detected).containsExactly(host + " CONSECUTIVE_GATEWAY_FAILURE EJECTED");
  }

  @Test
  void localOriginFailuresCountAsGatewayErrorsWithoutSplit() {
    OutlierDetector detector = detector(OutlierDetection.getDefaultInstance());

    detector.reportLocalOriginFailure(host, LocalOriginFailure.CONNECT_FAILED);
    detector.reportLocalOriginFailure(host, LocalOriginFailure.TIMEOUT);
    detector.reportLocalOriginSuccess(host); // means nothing without split
    detector.reportLocalOriginFailure(host, LocalOriginFailure.RESET);
    detector.reportStatus(host, 500);
    detector.reportLocalOriginFailure(host, LocalOriginFailure.CONNECT_FAILED);

    assertThat(sink.flagged(host)).isTrue();
    assertThat(events.detected).containsExactly(host + " CONSECUTIVE_5XX EJECTED");
  }

  @Test
  void localOriginFailuresCountSeparatelyWithSplit() {
    OutlierDetector detector = detector(OutlierDetection.newBuilder()
        .setSplitExternalLocalOriginErrors(true)
        .build());

    fail(detector, host, LocalOriginFailure.CONNECT_FAILED, 4);
    detector.reportLocalOriginSuccess(host);
    fail(detector, host, LocalOriginFailure.TIMEOUT, 4);
    fail(detector, host, 500, 4); // external errors have their own count
    assertThat(sink.flagged(host)).isFalse();

    detector.reportLocalOriginFailure(host, LocalOriginFailure.RESET);

    assertThat(sink.flagged(host)).isTrue();
    assertThat(events.detected).containsExactly(host + " CONSECUTIVE_LOCAL_ORIGIN_FAILURE EJECTED");
  }

  @Test
  void maxEjectionPercentIsStrict() {
    List<Host> three = hosts(3);
    OutlierDetector detector = create(
        OutlierDetection.newBuilder().setMaxEjectionPercent(u32(34)).build(), three);

    fail(detector, three.get(0), 500, 5);
    fail(detector, three.get(1), 500, 5);

    assertThat(sink.flagged(three.get(0))).isTrue();
    assertThat(sink.flagged(three.get(1))).isFalse();
    assertThat(events.detected).containsExactly(
        three.get(0) + " CONSECUTIVE_5XX EJECTED", three.get(1) + " CONSECUTIVE_5XX OVERFLOWED");
  }

  @Test
  void defaultTenPercentEjectsNothingFromThreeHosts() {
    List<Host> three = hosts(3);
    OutlierDetector detector = create(OutlierDetection.getDefaultInstance(), three);

    fail(detector, three.get(0), 500, 5);

    assertThat(sink.flagged(three.get(0))).isFalse();
    assertThat(events.detected).containsExactly(three.get(0) + " CONSECUTIVE_5XX OVERFLOWED");
  }

  @Test
  void alwaysEjectOneHostOverridesThePercentForTheFirst() {
    List<Host> three = hosts(3);
    OutlierDetector detector = create(
        OutlierDetection.newBuilder().setAlwaysEjectOneHost(BoolValue.of(true)).build(), three);

    fail(detector, three.get(0), 500, 5);
    fail(detector, three.get(1), 500, 5);

    assertThat(sink.flagged(three.get(0))).isTrue();
    assertThat(sink.flagged(three.get(1))).isFalse();
  }

  @Test
  void unejectsAfterBaseEjectionTime() {
    OutlierDetector detector = detector(OutlierDetection.getDefaultInstance());
    fail(detector, host, 500, 5);

    advanceAndTick(detector, 29 * SECOND);
    assertThat(sink.flagged(host)).isTrue();
    advanceAndTick(detector, SECOND);

    assertThat(sink.flagged(host)).isFalse();
    assertThat(events.unejected).containsExactly(host);
    assertThat(detector.ejectedUntilNanos(host)).isEmpty();
    assertThat(detector.activeEjections()).isZero();
  }

  @Test
  void countsStartAfreshAfterUnejection() {
    OutlierDetector detector = detector(OutlierDetection.newBuilder()
        .setConsecutive5Xx(u32(100))
        .setEnforcingConsecutiveGatewayFailure(u32(100))
        .build());
    fail(detector, host, 503, 5);
    fail(detector, host, 500, 90); // 95 5xx in a row while ejected
    advanceAndTick(detector, 30 * SECOND);

    fail(detector, host, 500, 6);

    assertThat(sink.flagged(host)).isFalse();
  }

  @Test
  void secondEjectionLastsTwiceAsLong() {
    OutlierDetector detector = detector(OutlierDetection.getDefaultInstance());
    fail(detector, host, 500, 5);
    advanceAndTick(detector, 30 * SECOND);

    now += 5 * SECOND; // fails again before an interval of good health
    fail(detector, host, 500, 5);

    assertThat(detector.ejectedUntilNanos(host)).hasValue(now + 60 * SECOND);
    advanceAndTick(detector, 59 * SECOND);
    assertThat(sink.flagged(host)).isTrue();
    advanceAndTick(detector, SECOND);
    assertThat(sink.flagged(host)).isFalse();
    assertThat(detector.timesEjected(host)).isEqualTo(2);
  }

  @Test
  void ejectionTimeIsCappedAtMaxEjectionTime() {
    OutlierDetector detector = detector(OutlierDetection.newBuilder()
        .setMaxEjectionTime(seconds(70))
        .build());

    List<Long> durations = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fail(detector, host, 500, 5);
      durations.add(detector.ejectedUntilNanos(host).getAsLong() - now);
      advanceAndTick(detector, durations.get(i));
      assertThat(sink.flagged(host)).isFalse();
    }

    assertThat(durations).containsExactly(30 * SECOND, 60 * SECOND, 70 * SECOND, 70 * SECOND);
  }

  @Test
  void ejectionTimeShrinksAgainWhileTheHostStaysHealthy() {
    OutlierDetector detector = detector(OutlierDetection.getDefaultInstance());
    fail(detector, host, 500, 5);
    advanceAndTick(detector, 30 * SECOND);
    fail(detector, host, 500, 5);
    advanceAndTick(detector, 60 * SECOND); // multiplier 2, unejected now

    advanceAndTick(detector, 10 * SECOND); // healthy for an interval: 2 -> 1
    advanceAndTick(detector, 10 * SECOND); // and another: 1 -> 0
    fail(detector, host, 500, 5);

    assertThat(detector.ejectedUntilNanos(host)).hasValue(now + 30 * SECOND);
  }

  @Test
  void ejectsByFailurePercentageOverTheInterval() {
    OutlierDetector detector = detector(failurePercentage());
    for (Host h : hosts.subList(2, 7)) {
      requests(detector, h, 50, 0);
    }
    requests(detector, hosts.get(0), 50, 50); // 50 % failures
    requests(detector, hosts.get(1), 10, 90); // 90 % failures
    requests(detector, hosts.get(9), 1, 48); // 98 %, but too few requests to judge

    advanceAndTick(detector, 10 * SECOND);

    assertThat(sink.flaggedHosts()).containsExactly(hosts.get(1));
    assertThat(events.detected).filteredOn(e -> e.contains("FAILURE_PERCENTAGE"))
        .containsExactly(hosts.get(1) + " FAILURE_PERCENTAGE EJECTED");
  }

  @Test
  void failurePercentageNeedsEnoughHostsWithEnoughRequests() {
    OutlierDetector detector = detector(failurePercentage());
    for (Host h : hosts.subList(0, 4)) {
      requests(detector, h, 0, 50);
    }
    advanceAndTick(detector, 10 * SECOND);
    assertThat(sink.flaggedHosts()).isEmpty();

    // The next interval starts from zero: old requests do not count again.
    requests(detector, hosts.get(4), 0, 50);
    advanceAndTick(detector, 10 * SECOND);
    assertThat(sink.flaggedHosts()).isEmpty();
  }

  @Test
  void enforcementZeroNeverEjects() {
    OutlierDetector detector = detector(OutlierDetection.newBuilder()
        .setEnforcingConsecutive5Xx(u32(0))
        .build());

    fail(detector, host, 500, 50);

    assertThat(sink.flagged(host)).isFalse();
    assertThat(events.detected).hasSize(10).allMatch(e -> e.endsWith("NOT_ENFORCED"));
  }

  @Test
  void enforcementPercentageRollsTheInjectedRandom() {
    OutlierDetection half = OutlierDetection.newBuilder().setEnforcingConsecutive5Xx(u32(50)).build();
    RandomGenerator low = () -> 0L; // nextInt(100) == 0: below 50, enforced
    OutlierDetector enforced = OutlierDetector.create(
        OutlierConfig.fromProto(half), hosts, sink, events, () -> now, low);
    fail(enforced, host, 500, 5);
    assertThat(sink.flagged(host)).isTrue();

    RandomGenerator high = () -> 198L << 32; // nextInt(100) == 99: not enforced
    OutlierDetector notEnforced = OutlierDetector.create(
        OutlierConfig.fromProto(half), hosts, sink, events, () -> now, high);
    fail(notEnforced, hosts.get(1), 500, 5);
    assertThat(sink.flagged(hosts.get(1))).isFalse();
  }

  @Test
  void ignoresHostsItDoesNotKnowAndForgetsRemovedOnes() {
    OutlierDetector detector = detector(
        OutlierDetection.newBuilder().setMaxEjectionPercent(u32(100)).build());
    Host stranger = Host.of("10.9.9.9", 80);
    fail(detector, stranger, 500, 10);
    assertThat(sink.flaggedHosts()).isEmpty();

    fail(detector, host, 500, 5);
    detector.setHosts(hosts.subList(1, 10));
    assertThat(detector.activeEjections()).isZero();
    assertThat(detector.timesEjected(host)).isZero();

    detector.setHosts(List.of(stranger));
    fail(detector, stranger, 500, 5);
    assertThat(sink.flagged(stranger)).isTrue();
  }

  @Test
  void concurrentFailuresEjectOnce() throws InterruptedException {
    OutlierDetector detector = detector(OutlierDetection.getDefaultInstance());
    int threads = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        fail(detector, host, 500, 1000);
      });
      worker.start();
      workers.add(worker);
    }
    go.countDown();
    for (Thread worker : workers) {
      worker.join();
    }

    assertThat(detector.timesEjected(host)).isEqualTo(1);
    assertThat(events.detected).containsExactly(host + " CONSECUTIVE_5XX EJECTED");
  }

  @Test
  void startRunsIntervalsUntilStopped() {
    OutlierDetection fast = OutlierDetection.newBuilder()
        .setInterval(com.google.protobuf.util.Durations.fromMillis(5))
        // Long enough that the running ticker cannot un-eject the host before the assertion below.
        .setBaseEjectionTime(com.google.protobuf.util.Durations.fromMillis(1000))
        .build();
    OutlierDetector detector = OutlierDetector.create(
        OutlierConfig.fromProto(fast), hosts, sink, events, System::nanoTime, new SplittableRandom(1));
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      detector.start(executor);
      fail(detector, host, 500, 5);
      assertThat(sink.flagged(host)).isTrue();

      await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !sink.flagged(host));
      detector.stop();
    } finally {
      executor.shutdownNow();
    }
  }

  // ---- helpers ----

  private OutlierDetection failurePercentage() {
    return OutlierDetection.newBuilder()
        .setConsecutive5Xx(u32(1000))
        .setEnforcingFailurePercentage(u32(100))
        .setMaxEjectionPercent(u32(100))
        .build();
  }

  private OutlierDetector detector(OutlierDetection proto) {
    return create(proto, hosts);
  }

  private OutlierDetector create(OutlierDetection proto, List<Host> members) {
    return OutlierDetector.create(
        OutlierConfig.fromProto(proto), members, sink, events, () -> now, new SplittableRandom(7));
  }

  private void advanceAndTick(OutlierDetector detector, long nanos) {
    now += nanos;
    detector.tick();
  }

  private static void fail(OutlierDetector detector, Host host, int status, int times) {
    for (int i = 0; i < times; i++) {
      detector.reportStatus(host, status);
    }
  }

  private static void fail(OutlierDetector detector, Host host, LocalOriginFailure kind, int times) {
    for (int i = 0; i < times; i++) {
      detector.reportLocalOriginFailure(host, kind);
    }
  }

  private static void requests(OutlierDetector detector, Host host, int ok, int failed) {
    for (int i = 0; i < Math.max(ok, failed); i++) {
      if (i < ok) {
        detector.reportStatus(host, 200);
      }
      if (i < failed) {
        detector.reportStatus(host, 503);
      }
    }
  }

  static List<Host> hosts(int count) {
    List<Host> hosts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      hosts.add(Host.of("10.0.0." + (i + 1), 8080));
    }
    return List.copyOf(hosts);
  }

  private static UInt32Value u32(int value) {
    return UInt32Value.of(value);
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }

  /** The cluster's side of the seam: which hosts carry FAILED_OUTLIER_CHECK. */
  private static final class RecordingSink implements dev.corral.sidecar.cluster.HealthSink {
    private final Map<Host, Boolean> flags = new ConcurrentHashMap<>();

    @Override
    public void setHealth(Host host, HealthFlag flag, boolean failed) {
      assertThat(flag).isEqualTo(HealthFlag.FAILED_OUTLIER_CHECK);
      flags.put(host, failed);
    }

    boolean flagged(Host host) {
      return flags.getOrDefault(host, false);
    }

    Set<Host> flaggedHosts() {
      Set<Host> result = ConcurrentHashMap.newKeySet();
      flags.forEach((h, failed) -> {
        if (failed) {
          result.add(h);
        }
      });
      return result;
    }
  }

  private static final class Recorder implements OutlierDetector.Listener {
    final List<String> detected = new CopyOnWriteArrayList<>();
    final List<Host> unejected = new CopyOnWriteArrayList<>();

    @Override
    public void detected(Host host, EjectionType type, Outcome outcome) {
      detected.add(host + " " + type + " " + outcome);
    }

    @Override
    public void unejected(Host host) {
      unejected.add(host);
    }
  }
}
