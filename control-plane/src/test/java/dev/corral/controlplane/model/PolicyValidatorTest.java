package dev.corral.controlplane.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.api.v1alpha1.Algorithm;
import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.api.v1alpha1.BalancePolicySpec.HashOn;
import dev.corral.api.v1alpha1.BalancePolicySpec.Retries;
import dev.corral.api.v1alpha1.CachePolicySpec;
import dev.corral.api.v1alpha1.CollapsePolicySpec;
import dev.corral.api.v1alpha1.TargetRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyValidatorTest {
  static TargetRef images() {
    return new TargetRef().withKind("Service").withName("images");
  }

  static BalancePolicySpec balance() {
    return new BalancePolicySpec().withTargetRef(images());
  }

  static List<String> problems(BalancePolicySpec spec) {
    return PolicyValidator.validate(spec).stream().map(Violation::toString).toList();
  }

  @Test
  void minimalSpecsAreValid() {
    assertThat(PolicyValidator.validate(balance())).isEmpty();
    assertThat(PolicyValidator.validate(new CachePolicySpec().withTargetRef(images()))).isEmpty();
    assertThat(PolicyValidator.validate(new CollapsePolicySpec().withTargetRef(images()))).isEmpty();
  }

  @Test
  void targetRefMustNameAServiceInTheCoreGroup() {
    assertThat(problems(new BalancePolicySpec())).containsExactly("spec.targetRef: required");
    assertThat(problems(new BalancePolicySpec().withTargetRef(new TargetRef().withGroup("apps").withKind("Deployment"))))
        .containsExactly("spec.targetRef.group: \"apps\" (expected: \"\", the core group of Service)",
            "spec.targetRef.kind: \"Deployment\" (expected: Service)",
            "spec.targetRef.name: required");
  }

  @Test
  void hashOnIsRequiredForRingHashAndMaglev() {
    assertThat(problems(balance().withAlgorithm(Algorithm.RING_HASH))).containsExactly("spec.hashOn: required for RingHash");
    assertThat(problems(balance().withAlgorithm(Algorithm.MAGLEV))).containsExactly("spec.hashOn: required for Maglev");
    assertThat(problems(balance().withAlgorithm(Algorithm.MAGLEV).withHashOn(new HashOn().withHeader("x-user-id")))).isEmpty();
  }

  @Test
  void hashOnIsRefusedForOtherAlgorithms() {
    assertThat(problems(balance().withHashOn(new HashOn().withPath(true))))
        .containsExactly("spec.hashOn: only allowed when algorithm is RingHash or Maglev (algorithm is RoundRobin)");
  }

  @Test
  void hashOnNeedsExactlyOneField() {
    assertThat(problems(balance().withAlgorithm(Algorithm.RING_HASH).withHashOn(new HashOn().withHeader("x-a").withSourceIP(true))))
        .containsExactly("spec.hashOn: exactly one of header, cookie, sourceIP: true, path: true must be set (found header, sourceIP)");
    assertThat(problems(balance().withAlgorithm(Algorithm.RING_HASH).withHashOn(new HashOn().withSourceIP(false))))
        .containsExactly("spec.hashOn: exactly one of header, cookie, sourceIP: true, path: true must be set (none is)");
  }

  @Test
  void hashCookieIsChecked() {
    var cookie = new HashOn.Cookie().withTtl("1 hour").withPath("x");
    assertThat(problems(balance().withAlgorithm(Algorithm.RING_HASH).withHashOn(new HashOn().withCookie(cookie))))
        .containsExactly("spec.hashOn.cookie.name: required",
            "spec.hashOn.cookie.ttl: \"1 hour\": unknown unit \" hour\" (expected one of ns, us, ms, s, m, h)",
            "spec.hashOn.cookie.path: \"x\" (expected: a path starting with /)");
  }

  @Test
  void percentagesAreZeroToHundred() {
    var spec = balance().withHealthyPanicThreshold(101)
        .withRetries(new Retries().withBudget(new Retries.Budget().withPercent(-1)))
        .withOutlierDetection(new BalancePolicySpec.OutlierDetection().withMaxEjectionPercent(150));
    assertThat(problems(spec)).containsExactly(
        "spec.healthyPanicThreshold: 101 (expected: a percentage 0-100)",
        "spec.retries.budget.percent: -1 (expected: a percentage 0-100)",
        "spec.outlierDetection.maxEjectionPercent: 150 (expected: a percentage 0-100)");
  }

  @Test
  void retryOnValuesMustBeSupported() {
    var spec = balance().withRetries(new Retries().withRetryOn(List.of("5xx", "timeout", "retriable-status-codes"))
        .withRetriableStatusCodes(List.of(503, 700)));
    assertThat(problems(spec)).containsExactly(
        "spec.retries.retryOn[1]: \"timeout\" is not supported (expected one of 5xx, gateway-error, reset, "
            + "connect-failure, refused-stream, retriable-status-codes)",
        "spec.retries.retriableStatusCodes[1]: 700 (expected: an HTTP status 100-599)");
  }

  @Test
  void retriableStatusCodesNeedTheirRetryOn() {
    var spec = balance().withRetries(new Retries().withRetryOn(List.of("reset")).withRetriableStatusCodes(List.of(503)));
    assertThat(problems(spec)).containsExactly(
        "spec.retries.retriableStatusCodes: only used when retryOn includes retriable-status-codes");
  }

  @Test
  void durationsMustParseAndBackoffMustGrow() {
    var spec = balance()
        .withTimeouts(new BalancePolicySpec.Timeouts().withRequest("15").withConnect("0s"))
        .withRetries(new Retries().withBackoff(new Retries.Backoff().withBaseInterval("250ms").withMaxInterval("25ms")))
        .withHealthCheck(new BalancePolicySpec.HealthCheck().withPath("healthz").withInterval("5s").withHealthyThreshold(0));
    assertThat(problems(spec)).containsExactly(
        "spec.timeouts.request: \"15\": missing unit after 15 (expected one of ns, us, ms, s, m, h)",
        "spec.timeouts.connect: 0s (expected: a duration > 0)",
        "spec.retries.backoff.maxInterval: 25ms is less than baseInterval 250ms",
        "spec.healthCheck.path: \"healthz\" (expected: a path starting with /)",
        "spec.healthCheck.healthyThreshold: 0 (expected: >= 1)");
  }

  @Test
  void healthCheckIntervalsMustParseAndBePositiveButTheJitterMayBeZero() {
    var spec = balance().withHealthCheck(new BalancePolicySpec.HealthCheck()
        .withUnhealthyInterval("30 s")
        .withUnhealthyEdgeInterval("0s")
        .withHealthyEdgeInterval("1")
        .withNoTrafficInterval("0")
        .withNoTrafficHealthyInterval("1min")
        .withIntervalJitter("-1s"));
    assertThat(problems(spec)).containsExactly(
        "spec.healthCheck.unhealthyInterval: \"30 s\": unknown unit \" s\" (expected one of ns, us, ms, s, m, h)",
        "spec.healthCheck.unhealthyEdgeInterval: 0s (expected: a duration > 0)",
        "spec.healthCheck.healthyEdgeInterval: \"1\": missing unit after 1 (expected one of ns, us, ms, s, m, h)",
        "spec.healthCheck.noTrafficInterval: 0 (expected: a duration > 0)",
        "spec.healthCheck.noTrafficHealthyInterval: \"1min\": unknown unit \"min\" (expected one of ns, us, ms, s, m, h)",
        "spec.healthCheck.intervalJitter: \"-1s\": a sign is not allowed (expected a duration >= 0)");

    var good = balance().withHealthCheck(new BalancePolicySpec.HealthCheck()
        .withUnhealthyInterval("30s").withUnhealthyEdgeInterval("5s").withHealthyEdgeInterval("1s")
        .withNoTrafficInterval("10s").withNoTrafficHealthyInterval("1m").withIntervalJitter("0"));
    assertThat(problems(good)).as("a jitter of 0 means none").isEmpty();
  }

  @Test
  void cacheObjectsMustFitTheCache() {
    var spec = new CachePolicySpec().withTargetRef(images()).withMaxSize("1Mi").withMaxObjectSize("2Mi");
    assertThat(PolicyValidator.validate(spec)).containsExactly(new Violation("spec.maxObjectSize", "2Mi is larger than maxSize 1Mi"));
  }

  @Test
  void cacheSizesAndDurationsMustParse() {
    var spec = new CachePolicySpec().withTargetRef(images()).withMaxSize("64MB").withStaleIfError("5 min")
        .withKeyHeaders(List.of("accept", "bad header"));
    assertThat(PolicyValidator.validate(spec)).extracting(Violation::field)
        .containsExactly("spec.maxSize", "spec.staleIfError", "spec.keyHeaders[1]");
  }

  @Test
  void onlyGetAndHeadCanBeCollapsed() {
    var spec = new CollapsePolicySpec().withTargetRef(images()).withMethods(List.of("GET", "POST", "head", "GET"));
    assertThat(PolicyValidator.validate(spec)).extracting(Violation::toString).containsExactly(
        "spec.methods[1]: \"POST\" is not allowed: only safe methods GET and HEAD can be collapsed",
        "spec.methods[2]: \"head\": methods are case-sensitive (expected HEAD)",
        "spec.methods[3]: GET is listed twice");
  }

  @Test
  void collapseRangesAreChecked() {
    var spec = new CollapsePolicySpec().withTargetRef(images()).withMaxWait("0s").withMaxBufferedBytes("8Mi")
        .withRanges(new CollapsePolicySpec.Ranges().withBlockSize("0").withMaxBlocksPerFetch(0));
    assertThat(PolicyValidator.validate(spec)).extracting(Violation::toString).containsExactly(
        "spec.maxWait: 0s (expected: a duration > 0)",
        "spec.ranges.blockSize: 0 (expected: a size > 0)",
        "spec.ranges.maxBlocksPerFetch: 0 (expected: >= 1)");
  }

  @Test
  void dispatchesByKind() {
    assertThat(PolicyValidator.validate(PolicyKind.BALANCE, new BalancePolicySpec()))
        .extracting(Violation::field).containsExactly("spec.targetRef");
  }
}
