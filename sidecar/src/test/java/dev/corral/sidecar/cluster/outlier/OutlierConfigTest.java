package dev.corral.sidecar.cluster.outlier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.corral.sidecar.bootstrap.ConfigException;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import org.junit.jupiter.api.Test;

class OutlierConfigTest {
  @Test
  void defaultsAreEnvoys() {
    OutlierConfig config = OutlierConfig.defaults();

    assertThat(config).isEqualTo(new OutlierConfig(5, 5, 5,
        java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(300),
        10, 100, 0, 100, 85, 0, 5, 50, false, false));
  }

  @Test
  void readsSetFields() {
    OutlierConfig config = OutlierConfig.fromProto(OutlierDetection.newBuilder()
        .setConsecutive5Xx(UInt32Value.of(3))
        .setInterval(Duration.newBuilder().setNanos(500_000_000))
        .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100))
        .setSplitExternalLocalOriginErrors(true)
        .build());

    assertThat(config.consecutive5xx()).isEqualTo(3);
    assertThat(config.interval()).isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(config.enforcingConsecutiveGatewayFailure()).isEqualTo(100);
    assertThat(config.splitExternalLocalOriginErrors()).isTrue();
  }

  @Test
  void refusesUnsupportedFieldNamingItsPath() {
    assertThatThrownBy(() -> OutlierConfig.fromProto(OutlierDetection.newBuilder()
            .setSuccessRateStdevFactor(UInt32Value.of(1900)).build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("success_rate_stdev_factor: not supported")
        .satisfies(e -> assertThat(((ConfigException) e).under("clusters[2].outlier_detection").path())
            .isEqualTo("clusters[2].outlier_detection.success_rate_stdev_factor"));
    assertThatThrownBy(() -> OutlierConfig.fromProto(OutlierDetection.newBuilder()
            .setMaxEjectionTimeJitter(Duration.newBuilder().setSeconds(1)).build()))
        .hasMessage("max_ejection_time_jitter: not supported");
  }

  @Test
  void acceptsSuccessRateEnforcementSwitchedOff() {
    OutlierConfig config = OutlierConfig.fromProto(OutlierDetection.newBuilder()
        .setEnforcingSuccessRate(UInt32Value.of(0)).build());

    assertThat(config).isEqualTo(OutlierConfig.defaults());
    assertThatThrownBy(() -> OutlierConfig.fromProto(OutlierDetection.newBuilder()
            .setEnforcingSuccessRate(UInt32Value.of(100)).build()))
        .hasMessageStartingWith("enforcing_success_rate: not supported");
  }

  @Test
  void refusesOutOfRangeValues() {
    assertThatThrownBy(() -> OutlierConfig.fromProto(OutlierDetection.newBuilder()
            .setMaxEjectionPercent(UInt32Value.of(101)).build()))
        .hasMessage("max_ejection_percent.value: 101 (expected: <= 100)");
    assertThatThrownBy(() -> OutlierConfig.fromProto(OutlierDetection.newBuilder()
            .setInterval(Duration.newBuilder().setSeconds(0)).build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("interval: ");
  }
}
