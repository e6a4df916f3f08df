package dev.corral.sidecar.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget;
import io.envoyproxy.envoy.type.v3.Percent;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {
  @Test
  void refusesRequestsBeyondMaxRequestsUntilOneEnds() {
    CircuitBreakers breakers = new CircuitBreakers(10, 10, 2, 3, -1, 3);

    assertThat(breakers.tryStartRequest()).isTrue();
    assertThat(breakers.tryStartRequest()).isTrue();
    assertThat(breakers.tryStartRequest()).isFalse();
    breakers.requestDone();
    assertThat(breakers.tryStartRequest()).isTrue();
  }

  @Test
  void withoutABudgetMaxRetriesCapsRetriesInFlight() {
    CircuitBreakers breakers = new CircuitBreakers(10, 10, 100, 2, -1, 3);

    assertThat(breakers.tryStartRetry()).isTrue();
    assertThat(breakers.tryStartRetry()).isTrue();
    assertThat(breakers.tryStartRetry()).isFalse();
  }

  @Test
  void budgetAllowsAShareOfRequestsInFlightButNeverLessThanTheMinimum() {
    CircuitBreakers breakers = CircuitBreakers.from(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.newBuilder()
        .addThresholds(Thresholds.newBuilder().setMaxRequests(UInt32Value.of(1000))
            .setRetryBudget(RetryBudget.newBuilder().setBudgetPercent(Percent.newBuilder().setValue(20))
                .setMinRetryConcurrency(UInt32Value.of(1))))
        .build());
    for (int i = 0; i < 50; i++) {
      breakers.tryStartRequest();
    }

    int admitted = 0;
    while (breakers.tryStartRetry()) {
      admitted++;
    }

    assertThat(admitted).isEqualTo(10); // 20 % of 50
    for (int i = 0; i < 50; i++) {
      breakers.requestDone();
    }
    for (int i = 0; i < 10; i++) {
      breakers.retryDone();
    }
    assertThat(breakers.tryStartRetry()).isTrue(); // min_retry_concurrency 1 with nothing in flight
    assertThat(breakers.tryStartRetry()).isFalse();
  }

  @Test
  void defaultsAreEnvoys() {
    CircuitBreakers breakers = CircuitBreakers.from(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.getDefaultInstance());

    assertThat(breakers.maxConnections()).isEqualTo(1024);
  }
}
