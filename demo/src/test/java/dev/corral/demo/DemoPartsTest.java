package dev.corral.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoPartsTest {
  @TempDir Path tmp;

  @Test
  void theMeshCopyHoldsTheCachePolicyBackUntilTurnedOn() throws Exception {
    MeshFiles files = MeshFiles.copy(Path.of("../examples/mesh"), tmp.resolve("mesh"),
        Map.of(18081, 40001, 18082, 40002, 18083, 40003, 18080, 40000));
    String policies = Files.readString(files.dir().resolve(MeshFiles.POLICIES));
    assertThat(policies).contains("kind: BalancePolicy", "kind: CollapsePolicy").doesNotContain("kind: CachePolicy");
    String images = Files.readString(files.dir().resolve("images.yaml"));
    assertThat(images).contains("port: 40001", "port: 40002", "port: 40003", "port: 8080")
        .doesNotContain("port: 18081");

    files.turnCacheOn();
    assertThat(Files.readString(files.dir().resolve(MeshFiles.POLICIES)))
        .isEqualTo(Files.readString(Path.of("../examples/mesh", MeshFiles.POLICIES)));
  }

  @Test
  void imageBytesAreDeterministicAndRangesAreSlicesOfThem() {
    int size = ImageBackend.size(7);
    assertThat(size).isBetween(16 * 1024, 208 * 1024);
    byte[] all = ImageBackend.bytes(7, 0, size);
    assertThat(ImageBackend.bytes(7, 0, size)).isEqualTo(all);
    assertThat(ImageBackend.bytes(7, 100, 200)).isEqualTo(java.util.Arrays.copyOfRange(all, 100, 200));
    assertThat(ImageBackend.bytes(8, 0, 64)).isNotEqualTo(java.util.Arrays.copyOfRange(all, 0, 64));
  }

  @Test
  void statsTableHasARowPerServiceAndDirection() throws Exception {
    String table = StatsTable.render("""
        {"windowSeconds": 20, "sidecars": 4, "services": [
         {"service": "images.shop.svc.cluster.local", "direction": "outbound", "requests": 2000, "rps": 100.0,
          "successRate": 1.0, "latencyMs": {"p50": 3.25, "p95": 9.0, "p99": 61.0},
          "cacheHitRatio": 0.71, "collapseRatio": null, "retries": 2}]}
        """);
    assertThat(table.lines().toList().get(1))
        .matches("images\\.shop\\s+outbound\\s+100\\.0\\s+100\\.00%\\s+3\\.3 ms\\s+61\\.0 ms\\s+71\\.0%\\s+-\\s+2");
    assertThat(table).contains("(window 20s, 4 sidecars reporting)");
  }

  @Test
  void durations() {
    assertThat(DemoMain.parseDuration("20s")).isEqualTo(Duration.ofSeconds(20));
    assertThat(DemoMain.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DemoMain.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(DemoMain.parseDuration("7")).isEqualTo(Duration.ofSeconds(7));
    assertThatThrownBy(() -> DemoMain.parseDuration("soon")).hasMessageContaining("--duration");
  }
}
