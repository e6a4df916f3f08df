package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.SidecarProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Round-robin balancing over three real backends through the real sidecar process. */
class BalancingE2E {
  static List<HttpBackend> backends;
  static SidecarProcess sidecar;

  @BeforeAll
  static void start() {
    backends = List.of(new HttpBackend("a"), new HttpBackend("b"), new HttpBackend("c"));
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("hello", backends.stream().mapToInt(HttpBackend::port).toArray());
    sidecar = SidecarProcess.start(bootstrap, "--concurrency", "1");
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    backends.forEach(HttpBackend::close);
  }

  @Test
  void spreadsRequestsEvenlyOverThreeBackends() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(sidecar.uri("/x")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      counts.merge(response.body(), 1, Integer::sum);
    }

    assertThat(counts).containsOnlyKeys("backend a", "backend b", "backend c");
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isEqualTo(100));
  }
}
