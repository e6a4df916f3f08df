package dev.corral.sidecar.cluster.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.corral.sidecar.bootstrap.ConfigException;
import dev.corral.sidecar.cluster.health.HealthCheckConfig.StatusRange;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HealthCheckConfigTest {
  @Test
  void readsAnHttpCheckWithEnvoysDefaults() {
    HealthCheckConfig config = HealthCheckConfig.fromProto(minimal().build());

    assertThat(config.timeout()).isEqualTo(java.time.Duration.ofSeconds(1));
    assertThat(config.interval()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(config.noTrafficInterval()).isEqualTo(java.time.Duration.ofSeconds(60));
    assertThat(config.noTrafficHealthyInterval()).isEqualTo(java.time.Duration.ofSeconds(60));
    assertThat(config.unhealthyInterval()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(config.unhealthyEdgeInterval()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(config.healthyEdgeInterval()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(config.initialJitter()).isZero();
    assertThat(config.host()).isNull();
    assertThat(config.expectedStatuses()).containsExactly(new StatusRange(200, 201));
    assertThat(config.requestHeadersToAdd()).isEmpty();
  }

  @Test
  void readsTheStateIntervals() {
    HealthCheckConfig config = HealthCheckConfig.fromProto(minimal()
        .setNoTrafficInterval(seconds(30))
        .setNoTrafficHealthyInterval(seconds(120))
        .setUnhealthyInterval(seconds(20))
        .setUnhealthyEdgeInterval(Duration.newBuilder().setNanos(500_000_000).build())
        .setHealthyEdgeInterval(seconds(2))
        .build());

    assertThat(config.noTrafficInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(config.noTrafficHealthyInterval()).isEqualTo(java.time.Duration.ofSeconds(120));
    assertThat(config.unhealthyInterval()).isEqualTo(java.time.Duration.ofSeconds(20));
    assertThat(config.unhealthyEdgeInterval()).isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(config.healthyEdgeInterval()).isEqualTo(java.time.Duration.ofSeconds(2));
  }

  @Test
  void unsetIntervalsFollowEnvoysDefaultChain() {
    // unhealthy_edge_interval defaults to unhealthy_interval (not interval), and
    // no_traffic_healthy_interval to no_traffic_interval.
    HealthCheckConfig config = HealthCheckConfig.fromProto(minimal()
        .setNoTrafficInterval(seconds(30))
        .setUnhealthyInterval(seconds(20))
        .build());

    assertThat(config.unhealthyEdgeInterval()).isEqualTo(java.time.Duration.ofSeconds(20));
    assertThat(config.healthyEdgeInterval()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(config.noTrafficHealthyInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
  }

  @ParameterizedTest
  @ValueSource(strings = {"no_traffic_interval", "no_traffic_healthy_interval", "unhealthy_interval",
      "unhealthy_edge_interval", "healthy_edge_interval"})
  void refusesANonPositiveIntervalNamingTheField(String field) {
    FieldDescriptor descriptor = HealthCheck.getDescriptor().findFieldByName(field);

    assertThatThrownBy(() -> HealthCheckConfig.forCluster(List.of(
            minimal().setField(descriptor, seconds(0)).build())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("health_checks[0]." + field + ": 0s (expected: > 0)");
    assertThatThrownBy(() -> HealthCheckConfig.fromProto(
            minimal().setField(descriptor, seconds(-1)).build()))
        .hasMessage(field + ": -1s 0ns (expected: a duration >= 0)");
  }

  @Test
  void readsExpectedStatusesAndHeaders() {
    HealthCheck proto = minimal()
        .setHttpHealthCheck(http()
            .setHost("svc.local")
            .addExpectedStatuses(Int64Range.newBuilder().setStart(200).setEnd(300))
            .addRequestHeadersToAdd(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-probe").setValue("corral"))))
        .build();

    HealthCheckConfig config = HealthCheckConfig.fromProto(proto);

    assertThat(config.host()).isEqualTo("svc.local");
    assertThat(config.expectedStatuses()).containsExactly(new StatusRange(200, 300));
    assertThat(config.requestHeadersToAdd()).singleElement()
        .satisfies(h -> assertThat(h.name() + "=" + h.value()).isEqualTo("x-probe=corral"));
  }

  @Test
  void refusesOtherCheckTypesNamingThePath() {
    HealthCheck tcp = minimal()
        .setTcpHealthCheck(HealthCheck.TcpHealthCheck.getDefaultInstance())
        .build();

    assertThatThrownBy(() -> HealthCheckConfig.fromProto(tcp))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tcp_health_check: not supported");
  }

  @Test
  void reuseConnectionDefaultsToTrueAsInEnvoy() {
    assertThat(HealthCheckConfig.fromProto(minimal().build()).reuseConnection()).isTrue();
    assertThat(HealthCheckConfig.fromProto(minimal().setReuseConnection(BoolValue.of(false)).build())
        .reuseConnection()).isFalse();
  }

  @Test
  void refusesUnsupportedFieldsNamingThePath() {
    assertThatThrownBy(() -> HealthCheckConfig.fromProto(
            minimal().setEventLogPath("/tmp/hc.log").build()))
        .hasMessage("event_log_path: not supported");
    assertThatThrownBy(() -> HealthCheckConfig.fromProto(minimal()
            .setHttpHealthCheck(http().addRetriableStatuses(Int64Range.newBuilder().setStart(503).setEnd(504)))
            .build()))
        .hasMessage("http_health_check.retriable_statuses: not supported");
  }

  @Test
  void forClusterPrefixesPathsAndRefusesASecondCheck() {
    HealthCheck bad = minimal().clearInterval().build();

    assertThatThrownBy(() -> HealthCheckConfig.forCluster(List.of(bad)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("health_checks[0].interval: missing (required, as in Envoy)");
    assertThatThrownBy(() -> HealthCheckConfig.forCluster(List.of(minimal().build(), minimal().build())))
        .hasMessage("health_checks: 2 health checks (expected: at most one)");
    assertThat(HealthCheckConfig.forCluster(List.of())).isEmpty();
  }

  @Test
  void refusesBadValues() {
    assertThatThrownBy(() -> HealthCheckConfig.fromProto(
            minimal().setUnhealthyThreshold(UInt32Value.of(0)).build()))
        .hasMessage("unhealthy_threshold.value: 0 (expected: >= 1)");
    assertThatThrownBy(() -> HealthCheckConfig.fromProto(
            minimal().setHttpHealthCheck(http().setPath("")).build()))
        .hasMessage("http_health_check.path: missing");
    assertThatThrownBy(() -> HealthCheckConfig.fromProto(minimal()
            .setHttpHealthCheck(http().addExpectedStatuses(Int64Range.newBuilder().setStart(200).setEnd(200)))
            .build()))
        .hasMessageStartingWith("http_health_check.expected_statuses[0]: [200, 200)");
    assertThatThrownBy(() -> HealthCheckConfig.fromProto(minimal()
            .setHttpHealthCheck(http().addRequestHeadersToAdd(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("bad name").setValue("v"))))
            .build()))
        .hasMessageStartingWith("http_health_check.request_headers_to_add[0].header.key:");
  }

  private static HealthCheck.Builder minimal() {
    return HealthCheck.newBuilder()
        .setTimeout(Duration.newBuilder().setSeconds(1))
        .setInterval(Duration.newBuilder().setSeconds(5))
        .setUnhealthyThreshold(UInt32Value.of(2))
        .setHealthyThreshold(UInt32Value.of(2))
        .setHttpHealthCheck(http());
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }

  private static HealthCheck.HttpHealthCheck.Builder http() {
    return HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz");
  }
}
