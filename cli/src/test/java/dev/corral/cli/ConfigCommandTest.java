package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigCommandTest {
  @Test
  void tellsAdminAddressesFromPods() {
    assertThat(ConfigCommand.looksLikeAddress("http://127.0.0.1:15000")).isTrue();
    assertThat(ConfigCommand.looksLikeAddress("localhost:15000")).isTrue();
    assertThat(ConfigCommand.looksLikeAddress("images-0.shop")).isFalse();
  }

  @Test
  void readsHostsAndClusterFactsFromEnvoysClustersText() {
    ConfigCommand.ClusterStats stats = ConfigCommand.parseClusters("""
        images::rq_active::0
        images::healthy_panic::false
        images::127.0.0.1:18081::health_flags::healthy
        images::127.0.0.1:18081::weight::1
        images::127.0.0.1:18082::health_flags::/failed_outlier_check
        """);
    assertThat(stats.hosts().get("images")).extracting(ConfigCommand.Host::address)
        .containsExactly("127.0.0.1:18081", "127.0.0.1:18082");
    assertThat(stats.hosts().get("images").get(1).get("health_flags")).isEqualTo("/failed_outlier_check");
    assertThat(stats.hosts().get("images").get(1).get("weight")).isEqualTo("-");
    assertThat(stats.clusterStat("images", "healthy_panic")).isEqualTo("false");
  }
}
