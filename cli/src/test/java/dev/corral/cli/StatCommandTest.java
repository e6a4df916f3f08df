package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatCommandTest {
  private static final String STATS = """
      {"asOfUnixMs": 1, "windowSeconds": 30.0, "sidecars": 2, "services": [
        {"service": "images.shop.svc.cluster.local", "namespace": "shop", "name": "images", "direction": "inbound",
         "pods": {"meshed": 1, "total": 3}, "requests": 40, "rps": 1.3333, "errors": 0, "successRate": 1.0,
         "latencyMs": {"p50": 0.8, "p95": 2.1, "p99": 3.0}, "cacheHitRatio": null, "collapseRatio": 0.25,
         "retries": 0, "retriesPerSecond": 0.0, "ejections": 0, "sidecars": 1},
        {"service": "images.shop.svc.cluster.local", "namespace": "shop", "name": "images", "direction": "outbound",
         "pods": {"meshed": 1, "total": 3}, "requests": 300, "rps": 10.0, "errors": 3, "successRate": 0.99,
         "latencyMs": {"p50": 4.2, "p95": 12.6, "p99": 1500.0}, "cacheHitRatio": 0.5, "collapseRatio": null,
         "retries": 7, "retriesPerSecond": 0.2333, "ejections": 1, "sidecars": 1},
        {"service": "hello", "namespace": null, "name": null, "direction": "outbound", "pods": null,
         "requests": 0, "rps": 0.0, "errors": 0, "successRate": null,
         "latencyMs": {"p50": null, "p95": null, "p99": null}, "cacheHitRatio": null, "collapseRatio": null,
         "retries": 0, "retriesPerSecond": 0.0, "ejections": 0, "sidecars": 1}]}
      """;

  private static JsonNode stats() throws Exception {
    return Http.JSON.readTree(STATS);
  }

  @Test
  void tableShowsTheCallersViewWithUnitsAndDashesForNoData() throws Exception {
    String out = StatCommand.table(StatCommand.select(stats(), null), true);
    assertThat(out).isEqualTo("""
        NAMESPACE   SERVICE   MESHED   SUCCESS       RPS     P50    P95     P99   CACHE HIT   COLLAPSED   RETRIES   EJECTED
        shop        images       1/3    99.00%   10.0rps   4.2ms   13ms   1.50s      50.00%      25.00%         7         1
        -           hello          -         -   0.00rps       -      -       -           -           -         0         0
        """);
  }

  @Test
  void wideShowsEachDirectionWithRequestsAndErrors() throws Exception {
    String out = StatCommand.wide(StatCommand.select(stats(), "images"), false);
    List<String> lines = out.lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("SERVICE   DIRECTION   MESHED   REQUESTS   ERRORS   SUCCESS");
    assertThat(lines.get(1).split("\\s+")).startsWith("images", "inbound", "1/3", "40", "0", "100.00%", "1.33rps");
    assertThat(lines.get(2).split("\\s+")).startsWith("images", "outbound", "1/3", "300", "3", "99.00%", "10.0rps");
  }

  @Test
  void selectsAServiceByNameNameDotNamespaceOrFullName() throws Exception {
    assertThat(StatCommand.select(stats(), "images")).hasSize(2);
    assertThat(StatCommand.select(stats(), "images.shop")).hasSize(2);
    assertThat(StatCommand.select(stats(), "images.shop.svc.cluster.local")).hasSize(2);
    assertThat(StatCommand.select(stats(), "hello")).hasSize(1);
    assertThat(StatCommand.select(stats(), "images.other")).isEmpty();
  }

  @Test
  void buildsTheQueryFromWindowAndNamespace() {
    assertThat(StatCommand.path(null, null)).isEqualTo("/api/v1/stats");
    assertThat(StatCommand.path("shop", "1m")).isEqualTo("/api/v1/stats?window=1m&namespace=shop");
  }
}
