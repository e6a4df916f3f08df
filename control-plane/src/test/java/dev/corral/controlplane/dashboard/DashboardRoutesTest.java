package dev.corral.controlplane.dashboard;

import static dev.corral.controlplane.stats.Reports.collect;
import static dev.corral.controlplane.stats.Reports.latency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.api.proto.ServiceStats;
import dev.corral.api.proto.StatsAck;
import dev.corral.api.proto.StatsReport;
import dev.corral.api.proto.StatsServiceGrpc;
import dev.corral.controlplane.ControlPlane;
import dev.corral.controlplane.local.LocalModelSource;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's routes on a real control plane (HTTP and gRPC on loopback): the page and its
 * files with their caching headers, the history the charts start from, and the route index.
 */
class DashboardRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path mesh;
  private ControlPlane controlPlane;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    controlPlane = ControlPlane.builder(LocalModelSource.create(mesh)).address("127.0.0.1").xdsPort(0).httpPort(0)
        .statsWindow(Duration.ofSeconds(1)) // 200 ms buckets: a history sample every 200 ms
        .build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", controlPlane.xdsPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void historyHasAPointPerIntervalWithServicesAndCallsBetweenThem() throws Exception {
    List<StatsAck> acks = new CopyOnWriteArrayList<>();
    StreamObserver<StatsReport> stream = StatsServiceGrpc.newStub(channel).report(collect(acks));
    stream.onNext(StatsReport.newBuilder().setNodeId("frontend-0.shop").setSequence(1)
        .setSourceService("frontend.shop.svc.cluster.local")
        .addServices(ServiceStats.newBuilder().setService("images.shop.svc.cluster.local").setDirection("outbound")
            .setRequests(10).setResponses2Xx(9).setResponses5Xx(1).setLatencyHistogram(latency(10, 3_000)))
        .build());
    await().until(() -> acks.size() == 1);

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      JsonNode history = getJson("/api/v1/stats/history");
      assertThat(history.get("intervalSeconds").asDouble()).isEqualTo(0.2);
      JsonNode last = last(history.get("points"));
      assertThat(last.get("services")).hasSize(1);
      JsonNode images = last.get("services").get(0);
      assertThat(images.get("service").asText()).isEqualTo("images.shop.svc.cluster.local");
      assertThat(images.get("direction").asText()).isEqualTo("outbound");
      assertThat(images.get("requests").asLong()).isEqualTo(10);
      assertThat(images.get("successRate").asDouble()).isEqualTo(0.9);
      assertThat(images.get("latencyMs").get("p99").asDouble()).isBetween(2.9, 3.1);
      JsonNode edge = last.get("edges").get(0);
      assertThat(edge.get("source").asText()).isEqualTo("frontend.shop.svc.cluster.local");
      assertThat(edge.get("destination").asText()).isEqualTo("images.shop.svc.cluster.local");
      assertThat(edge.get("rps").asDouble()).isEqualTo(10.0);
    });

    JsonNode all = getJson("/api/v1/stats/history").get("points");
    assertThat(all.size()).isGreaterThan(1);
    List<Long> times = new ArrayList<>();
    all.forEach(p -> times.add(p.get("asOfUnixMs").asLong()));
    assertThat(times).isSorted();
    long since = times.get(times.size() - 2);
    JsonNode newer = getJson("/api/v1/stats/history?since=" + since).get("points");
    assertThat(newer).isNotEmpty();
    newer.forEach(p -> assertThat(p.get("asOfUnixMs").asLong()).isGreaterThan(since));
    assertThat(get("/api/v1/stats/history?since=yesterday", null).statusCode()).isEqualTo(400);

    // The same traffic as Prometheus counters and a histogram.
    assertThat(get("/metrics", null).body())
        .contains("corral_service_requests_total{direction=\"outbound\",namespace=\"shop\",response_class=\"5xx\","
            + "service=\"images.shop.svc.cluster.local\"} 1.0")
        .contains("corral_service_request_duration_seconds_count{direction=\"outbound\",namespace=\"shop\","
            + "service=\"images.shop.svc.cluster.local\"} 10");
    stream.onCompleted();
  }

  @Test
  void servesThePageItsFilesAndTheChartLibraryWithCachingHeaders() throws Exception {
    HttpResponse<String> page = get("/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
    String etag = page.headers().firstValue("etag").orElseThrow();
    assertThat(get("/", etag).statusCode()).as("revalidation").isEqualTo(304);

    // Every script and style the page names is served, with a matching content type.
    Matcher refs = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"").matcher(page.body());
    List<String> paths = new ArrayList<>();
    while (refs.find()) {
      paths.add(refs.group(1));
    }
    assertThat(paths).contains("/ui/app.js", "/ui/style.css").anyMatch(p -> p.startsWith("/webjars/chart.js/"));
    for (String path : paths.stream().filter(p -> p.startsWith("/ui/") || p.startsWith("/webjars/")).toList()) {
      HttpResponse<String> file = get(path, null);
      assertThat(file.statusCode()).as(path).isEqualTo(200);
      assertThat(file.headers().firstValue("content-type").orElseThrow()).as(path)
          .startsWith(path.endsWith(".css") ? "text/css" : "text/javascript");
      assertThat(file.headers().firstValue("cache-control")).as(path)
          .hasValue(path.startsWith("/webjars/") ? "public, max-age=31536000, immutable" : "no-cache");
    }
    assertThat(get("/ui/charts.js", null).statusCode()).isEqualTo(200); // imported by app.js

    assertThat(get("/ui/missing.js", null).statusCode()).isEqualTo(404);
    assertThat(get("/ui/%2e%2e/dev/corral/controlplane/ControlPlane.class", null).statusCode()).isEqualTo(404);
    assertThat(get("/webjars/", null).statusCode()).isEqualTo(404);
  }

  @Test
  void theRouteIndexListsTheApi() throws Exception {
    assertThat(getJson("/api/v1").get("routes").toString())
        .contains("/api/v1/stats", "/api/v1/stats/history", "/api/v1/xds");
  }

  private JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response = get(path, null);
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> get(String path, String ifNoneMatch) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + controlPlane.httpPort() + path));
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode last(JsonNode array) {
    return array.get(array.size() - 1);
  }
}
