package dev.corral.sidecar.stats.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.corral.sidecar.bootstrap.ConfigException;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatsReporterConfigTest {
  @Test
  void readsAddressAndIntervalFromNodeMetadata() {
    assertThat(StatsReporterConfig.fromNode(node("corral.stats_address", "corral.corral-system:15010",
        "corral.stats_interval", "2s")))
        .contains(new StatsReporterConfig("corral.corral-system:15010", Duration.ofSeconds(2)));
    assertThat(StatsReporterConfig.fromNode(node("corral.stats_address", "127.0.0.1:15010")).orElseThrow().interval())
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void reportsNothingWithoutAnAddress() {
    assertThat(StatsReporterConfig.fromNode(Node.getDefaultInstance())).isEmpty();
  }

  @Test
  void refusesBadValuesNamingTheKey() {
    assertThatThrownBy(() -> StatsReporterConfig.fromNode(node("corral.stats_address", "no-port")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("node.metadata[\"corral.stats_address\"]: expected a string host:port");
    assertThatThrownBy(() -> StatsReporterConfig.fromNode(node("corral.stats_address", "cp:15010",
        "corral.stats_interval", "soon")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("node.metadata[\"corral.stats_interval\"]");
  }

  private static Node node(String... keyValues) {
    Struct.Builder metadata = Struct.newBuilder();
    for (int i = 0; i < keyValues.length; i += 2) {
      metadata.putFields(keyValues[i], Value.newBuilder().setStringValue(keyValues[i + 1]).build());
    }
    return Node.newBuilder().setId("pod.ns").setMetadata(metadata).build();
  }
}
