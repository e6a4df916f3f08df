package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.SidecarProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consistent hashing on a RING_HASH cluster of three backends: a generated affinity cookie that
 * pins a client, and a header ({@code x-user-id}, terminal, evaluated first) that pins a user.
 */
class StickySessionE2E {
  static final String COOKIE = "corral-affinity";
  static List<HttpBackend> backends;
  static SidecarProcess sidecar;
  static HttpClient client;

  @BeforeAll
  static void start() {
    backends = List.of(new HttpBackend("a"), new HttpBackend("b"), new HttpBackend("c"));
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("sticky", backends.stream().mapToInt(HttpBackend::port).toArray()).lbPolicy("RING_HASH");
    bootstrap.routeExtra(", hash_policy: ["
        + "{header: {header_name: x-user-id}, terminal: true}, "
        + "{cookie: {name: " + COOKIE + ", ttl: 3600s, path: /}}]");
    sidecar = SidecarProcess.start(bootstrap, "--concurrency", "2");
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    backends.forEach(HttpBackend::close);
  }

  private static HttpResponse<String> get(String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(sidecar.uri("/session")).timeout(Duration.ofSeconds(5));
    if (headers.length > 0) {
      request.headers(headers);
    }
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response;
  }

  @Test
  void firstResponseSetsTheAffinityCookie() throws Exception {
    HttpResponse<String> response = get();

    List<String> setCookies = response.headers().allValues("set-cookie");
    assertThat(setCookies).hasSize(1);
    assertThat(setCookies.get(0)).matches(COOKIE + "=[0-9a-f]+; Max-Age=3600; Path=/(; HttpOnly)?");
  }

  @Test
  void replayingTheCookiePinsEveryRequestToOneBackend() throws Exception {
    HttpResponse<String> first = get();
    String cookie = first.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];

    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> response = get("Cookie", "other=1; " + cookie);
      seen.add(response.body());
      assertThat(response.headers().allValues("set-cookie")).as("no new cookie when one is sent").isEmpty();
    }

    // The first request hashed the value it then handed out, so it landed on the same backend.
    assertThat(seen).containsExactly(first.body());
  }

  @Test
  void differentCookiesSpreadOverTheBackends() throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      seen.add(get("Cookie", COOKIE + "=client-" + i).body());
    }

    // 100 keys on a ring of >= 1024 points: the chance that a backend gets none is ~1e-17.
    assertThat(seen).containsExactlyInAnyOrder("backend a", "backend b", "backend c");
  }

  @Test
  void userIdHeaderKeepsAUserOnOneBackend() throws Exception {
    Set<String> overall = new HashSet<>();
    for (int user = 0; user < 20; user++) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> response = get("x-user-id", "user-" + user);
        seen.add(response.body());
        assertThat(response.headers().allValues("set-cookie"))
            .as("a terminal header hash stops before the cookie policy").isEmpty();
      }
      assertThat(seen).as("backends seen by user-%s", user).hasSize(1);
      overall.addAll(seen);
    }

    assertThat(overall).as("20 users over three backends").hasSizeGreaterThan(1);
  }
}
