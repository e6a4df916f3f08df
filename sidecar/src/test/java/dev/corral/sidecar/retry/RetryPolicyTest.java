package dev.corral.sidecar.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import dev.corral.sidecar.bootstrap.ConfigException;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryBackOff;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryHostPredicate;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final SplittableRandom random = new SplittableRandom(7);

  private static RetryPolicy policy(String retryOn, int retries) {
    return RetryPolicy.compile(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
        .setRetryOn(retryOn).setNumRetries(UInt32Value.of(retries)).build(), null);
  }

  @Test
  void retriesFiveHundredsUnder5xxButNotFourHundreds() {
    RetryPolicy p = policy("5xx", 2);

    assertThat(p.onStatus(500, 0, true, true, random).retry()).isTrue();
    assertThat(p.onStatus(503, 1, true, true, random).retry()).isTrue();
    assertThat(p.onStatus(404, 0, true, true, random).retry()).isFalse();
  }

  @Test
  void gatewayErrorCoversOnly502To504() {
    RetryPolicy p = policy("gateway-error", 1);

    assertThat(p.onStatus(502, 0, true, true, random).retry()).isTrue();
    assertThat(p.onStatus(504, 0, true, true, random).retry()).isTrue();
    assertThat(p.onStatus(500, 0, true, true, random).retry()).isFalse();
  }

  @Test
  void retriableStatusCodesAreRetriedOnlyWhenListed() {
    RetryPolicy p = RetryPolicy.compile(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
        .setRetryOn("retriable-status-codes").addRetriableStatusCodes(503).build(), null);

    assertThat(p.onStatus(503, 0, true, true, random).retry()).isTrue();
    assertThat(p.onStatus(502, 0, true, true, random).retry()).isFalse();
  }

  @Test
  void stopsAfterNumRetries() {
    RetryPolicy p = policy("5xx", 2);

    assertThat(p.onStatus(503, 2, true, true, random).retry()).isFalse();
    assertThat(p.onStatus(503, 2, true, true, random).reason()).contains("num_retries");
  }

  @Test
  void defaultsToOneRetryLikeEnvoy() {
    RetryPolicy p = RetryPolicy.compile(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
        .setRetryOn("5xx").build(), null);

    assertThat(p.numRetries()).isEqualTo(1);
  }

  @Test
  void neverRetriesWhenTheBodyOutgrewTheReplayBuffer() {
    assertThat(policy("5xx", 3).onStatus(503, 0, false, true, random).retry()).isFalse();
  }

  @Test
  void nonIdempotentRequestsAreRetriedOnlyWhenTheyCannotHaveReachedTheUpstream() {
    RetryPolicy p = policy("5xx,connect-failure,refused-stream,reset", 2);

    assertThat(p.onFailure(UpstreamFailure.CONNECT_FAILURE, 0, true, false, random).retry()).isTrue();
    assertThat(p.onFailure(UpstreamFailure.REFUSED_STREAM, 0, true, false, random).retry()).isTrue();
    assertThat(p.onFailure(UpstreamFailure.RESET, 0, true, false, random).retry()).isFalse();
    assertThat(p.onStatus(503, 0, true, false, random).retry()).isFalse();
  }

  @Test
  void failuresAreRetriedOnlyUnderAConditionThatCoversThem() {
    assertThat(policy("connect-failure", 1).onFailure(UpstreamFailure.RESET, 0, true, true, random).retry())
        .isFalse();
    assertThat(policy("reset", 1).onFailure(UpstreamFailure.PER_TRY_TIMEOUT, 0, true, true, random).retry())
        .isTrue();
    assertThat(policy("5xx", 1).onFailure(UpstreamFailure.OVERFLOW, 0, true, true, random).retry()).isFalse();
  }

  @Test
  void backOffIsFullJitterUnderAnExponentialCeiling() {
    Backoff backoff = Backoff.exponential(Duration.ofMillis(25), Duration.ofMillis(250));
    long max1 = 0;
    long max3 = 0;
    long max9 = 0;
    for (int i = 0; i < 10_000; i++) {
      max1 = Math.max(max1, backoff.delayNanos(1, random));
      max3 = Math.max(max3, backoff.delayNanos(3, random));
      max9 = Math.max(max9, backoff.delayNanos(9, random));
    }

    assertThat(max1).isLessThanOrEqualTo(Duration.ofMillis(25).toNanos()).isGreaterThan(Duration.ofMillis(20).toNanos());
    assertThat(max3).isLessThanOrEqualTo(Duration.ofMillis(100).toNanos()).isGreaterThan(Duration.ofMillis(80).toNanos());
    assertThat(max9).isLessThanOrEqualTo(Duration.ofMillis(250).toNanos()).isGreaterThan(Duration.ofMillis(200).toNanos());
  }

  @Test
  void compilesBackOffPerTryTimeoutAndPreviousHosts() {
    RetryPolicy p = RetryPolicy.compile(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
        .setRetryOn("reset")
        .setPerTryTimeout(Durations.fromMillis(300))
        .setRetryBackOff(RetryBackOff.newBuilder().setBaseInterval(Durations.fromMillis(10)))
        .addRetryHostPredicate(RetryHostPredicate.newBuilder().setName(RetryPolicy.PREVIOUS_HOSTS))
        .setHostSelectionRetryMaxAttempts(3)
        .build(), null);

    assertThat(p.perTryTimeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(p.avoidPreviousHosts()).isTrue();
    assertThat(p.hostSelectionAttempts()).isEqualTo(3);
  }

  @Test
  void aFirstRetryOfARequestThatReachedNoOneGoesToAnotherHostAtOnce() {
    RetryPolicy p = RetryPolicy.compile(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
        .setRetryOn("connect-failure,reset").setNumRetries(UInt32Value.of(3))
        .addRetryHostPredicate(RetryHostPredicate.newBuilder().setName(RetryPolicy.PREVIOUS_HOSTS))
        .build(), null);

    assertThat(p.onFailure(UpstreamFailure.CONNECT_FAILURE, 0, true, true, random).delayNanos()).isZero();
    long later = 0;
    long reset = 0;
    for (int i = 0; i < 100; i++) {
      later = Math.max(later, p.onFailure(UpstreamFailure.CONNECT_FAILURE, 1, true, true, random).delayNanos());
      reset = Math.max(reset, p.onFailure(UpstreamFailure.RESET, 0, true, true, random).delayNanos());
    }
    assertThat(later).isPositive();
    assertThat(reset).isPositive();
  }

  @Test
  void refusesUnknownConditionsAndPredicatesNamingTheField() {
    assertThatThrownBy(() -> policy("5xx,envoy-ratelimited", 1))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("retry_on: 'envoy-ratelimited' not supported");
    assertThatThrownBy(() -> RetryPolicy.compile(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
        .setRetryOn("5xx")
        .addRetryHostPredicate(RetryHostPredicate.newBuilder().setName("envoy.retry_host_predicates.omit_canary_hosts"))
        .build(), null))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("retry_host_predicate[0].name");
  }
}
