package dev.corral.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SendBudgetTest {

  @Test
  void takesUpToTheCapacityAndOneOversizedResponseWhenEmpty() throws Exception {
    SendBudget budget = new SendBudget(100);
    assertThat(budget.acquire(60, Duration.ZERO)).isTrue();
    assertThat(budget.acquire(60, Duration.ZERO)).as("over the cap").isFalse();
    budget.release(60);
    assertThat(budget.acquire(500, Duration.ZERO)).as("alone, even if larger").isTrue();
    assertThat(budget.inFlight()).isEqualTo(500);
  }

  @Test
  void refusesANonPositiveCapacity() {
    assertThatThrownBy(() -> new SendBudget(0)).hasMessage("capacity: 0 (expected: >= 1)");
  }

  @Test
  void aStreamHoldsItsResponseBytesUntilItsCallIsReadyAgainOrCloses() {
    DiscoveryResponse big = DiscoveryResponse.newBuilder().setTypeUrl(XdsType.RDS.typeUrl())
        .setVersionInfo("1").setNonce("0").setControlPlane(io.envoyproxy.envoy.config.core.v3.ControlPlane
            .newBuilder().setIdentifier("x".repeat(1000))).build();
    SendBudget budget = new SendBudget(big.getSerializedSize());
    FakeCall slow = new FakeCall();
    slow.notReadyAfterEachSend = true;
    FlowControlledResponses first = responses(slow, budget);
    FakeCall other = new FakeCall();
    FlowControlledResponses second = responses(other, budget);

    first.onNext(big);
    assertThat(budget.inFlight()).isEqualTo(big.getSerializedSize());

    second.onNext(big); // no room (and no wait here): the stream fails rather than lose it
    assertThat(Status.fromThrowable(other.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(Status.fromThrowable(other.error).getDescription()).contains("overloaded");

    slow.becomeReady();
    assertThat(budget.inFlight()).isZero();
    first.onNext(big);
    assertThat(budget.inFlight()).isEqualTo(big.getSerializedSize());
    first.onCompleted();
    assertThat(budget.inFlight()).isZero();
  }

  private static FlowControlledResponses responses(FakeCall call, SendBudget budget) {
    return new FlowControlledResponses(call, r -> {}, r -> {}, (r, t) -> {}, () -> {}, budget,
        Duration.ZERO);
  }
}
