package dev.corral.controlplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.api.proto.ServiceStats;
import dev.corral.api.proto.StatsReport;
import dev.corral.controlplane.stats.StatsAggregator;
import dev.corral.controlplane.stats.StatsJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ApiRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final StatsAggregator aggregator =
      StatsAggregator.create(Duration.ofSeconds(30), Duration.ofSeconds(5), clock::get);
  private final ApiHandler stats = ApiRoutes.stats(aggregator,
      service -> service.startsWith("images.") ? new StatsJson.Pods(1, 3) : null);

  ApiRoutesTest() {
    aggregator.add(StatsReport.newBuilder().setNodeId("a.shop")
        .addServices(entry("images.shop.svc.cluster.local", 300))
        .addServices(entry("ratings.books.svc.cluster.local", 30))
        .addServices(entry("hello", 3)).build());
  }

  private static ServiceStats entry(String service, long requests) {
    return ServiceStats.newBuilder().setService(service).setDirection("outbound")
        .setRequests(requests).setResponses2Xx(requests).build();
  }

  private ApiResponse get(Map<String, List<String>> query) throws Exception {
    return stats.handle(new ApiRequest("GET", "/api/v1/stats", query));
  }

  @Test
  void namesNamespaceAndPodsOfEachServiceAndFiltersByNamespace() throws Exception {
    JsonNode all = JSON.readTree(get(Map.of()).body());
    assertThat(all.get("services")).hasSize(3);
    JsonNode hello = all.get("services").get(0);
    assertThat(hello.get("service").asText()).isEqualTo("hello");
    assertThat(hello.get("namespace").isNull()).isTrue();
    assertThat(hello.get("pods").isNull()).isTrue();

    JsonNode shop = JSON.readTree(get(Map.of("namespace", List.of("shop"))).body());
    assertThat(shop.get("services")).hasSize(1);
    JsonNode images = shop.get("services").get(0);
    assertThat(images.get("name").asText()).isEqualTo("images");
    assertThat(images.get("pods").get("meshed").asInt()).isEqualTo(1);
    assertThat(images.get("pods").get("total").asInt()).isEqualTo(3);
    assertThat(images.get("errors").asLong()).isZero();
  }

  @Test
  void aShorterWindowIsHonouredAndALongerOneRefusedNamingTheMaximum() throws Exception {
    JsonNode last10s = JSON.readTree(get(Map.of("window", List.of("10s"))).body());
    assertThat(last10s.get("windowSeconds").asDouble()).isEqualTo(10.0);

    ApiResponse tooLong = get(Map.of("window", List.of("1m")));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(new String(tooLong.body(), StandardCharsets.UTF_8))
        .startsWith("window: 1m (expected: > 0 and <= 30s, the control plane's stats window;");
    ApiResponse garbage = get(Map.of("window", List.of("soon")));
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(new String(garbage.body(), StandardCharsets.UTF_8)).startsWith("window: soon (expected: a duration");
  }
}
