package dev.corral.sidecar.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.corral.sidecar.bootstrap.ConfigException;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  /** A table whose virtual hosts each route everything to a cluster named after the host. */
  private static RouteTable hosts(String... namesAndDomains) {
    StringBuilder json = new StringBuilder("{\"virtual_hosts\": [");
    for (int i = 0; i < namesAndDomains.length; i += 2) {
      json.append(i == 0 ? "" : ",").append("{\"name\": \"").append(namesAndDomains[i])
          .append("\", \"domains\": ").append(namesAndDomains[i + 1])
          .append(", \"routes\": [{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"")
          .append(namesAndDomains[i]).append("\"}}]}");
    }
    return RouteTable.compile(config(json.append("]}").toString()));
  }

  /** A table with one catch-all host holding the given routes (JSON array). */
  private static RouteTable routes(String routesJson) {
    return RouteTable.compile(config(
        "{\"virtual_hosts\": [{\"name\": \"vh\", \"domains\": [\"*\"], \"routes\": " + routesJson + "}]}"));
  }

  private static RouteConfiguration config(String json) {
    RouteConfiguration.Builder b = RouteConfiguration.newBuilder();
    try {
      JsonFormat.parser().merge(json, b);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
    return b.build();
  }

  private static @Nullable String vhost(RouteTable table, String authority) {
    Route r = table.match(TestHead.get(authority, "/"));
    return r == null ? null : r.virtualHostName();
  }

  private static @Nullable String cluster(RouteTable table, TestHead head) {
    Route r = table.match(head);
    return r == null ? null : r.pickCluster(new SplittableRandom(1));
  }

  @Test
  void prefersExactThenLongestSuffixThenLongestPrefixThenStar() {
    RouteTable t = hosts(
        "star", "[\"*\"]",
        "exact", "[\"api.example.com\"]",
        "suffix", "[\"*.example.com\"]",
        "longSuffix", "[\"*.api.example.com\"]",
        "prefix", "[\"api.*\"]",
        "longPrefix", "[\"api.example.*\"]");

    assertThat(vhost(t, "api.example.com")).isEqualTo("exact");
    assertThat(vhost(t, "v1.api.example.com")).isEqualTo("longSuffix");
    assertThat(vhost(t, "www.example.com")).isEqualTo("suffix");
    assertThat(vhost(t, "api.example.org")).isEqualTo("longPrefix");
    assertThat(vhost(t, "api.other")).isEqualTo("prefix");
    assertThat(vhost(t, "elsewhere")).isEqualTo("star");
  }

  @Test
  void theRememberedLastAuthorityNeverAnswersForAnother() {
    RouteTable t = hosts("exact", "[\"api.example.com\"]", "suffix", "[\"*.example.com\"]", "star", "[\"*\"]");

    for (int i = 0; i < 3; i++) {
      assertThat(vhost(t, "api.example.com")).isEqualTo("exact");
      assertThat(vhost(t, "api.example.com")).isEqualTo("exact");
      assertThat(vhost(t, "API.example.com:80")).isEqualTo("exact");
      assertThat(vhost(t, "www.example.com")).isEqualTo("suffix");
      assertThat(vhost(t, "elsewhere")).isEqualTo("star");
    }
    RouteTable none = hosts("exact", "[\"api.example.com\"]");
    assertThat(vhost(none, "other")).isNull();
    assertThat(vhost(none, "other")).isNull();
    assertThat(vhost(none, "api.example.com")).isEqualTo("exact");
  }

  @Test
  void wildcardStandsForAtLeastOneCharacter() {
    RouteTable t = hosts("suffix", "[\"*.example.com\"]");

    assertThat(vhost(t, ".example.com")).isNull();
    assertThat(vhost(t, "a.example.com")).isEqualTo("suffix");
  }

  @Test
  void matchesDomainsCaseInsensitively() {
    RouteTable t = hosts("hello", "[\"Hello.Svc\"]");

    assertThat(vhost(t, "HELLO.svc")).isEqualTo("hello");
  }

  @Test
  void triesTheAuthorityWithItsPortThenWithout() {
    RouteTable t = hosts("withPort", "[\"hello:8080\"]", "bare", "[\"hello\"]", "star", "[\"*\"]");

    assertThat(vhost(t, "hello:8080")).isEqualTo("withPort");
    assertThat(vhost(t, "hello:9090")).isEqualTo("bare");
    assertThat(vhost(t, "hello")).isEqualTo("bare");
    assertThat(vhost(t, "other:8080")).isEqualTo("star");
  }

  @Test
  void stripsThePortOfBracketedIpv6Authorities() {
    RouteTable t = hosts("v6", "[\"[::1]\"]");

    assertThat(vhost(t, "[::1]:8080")).isEqualTo("v6");
    assertThat(vhost(t, "[::1]")).isEqualTo("v6");
  }

  @Test
  void returnsNullWhenNoVirtualHostMatches() {
    assertThat(vhost(hosts("hello", "[\"hello\"]"), "other")).isNull();
  }

  @Test
  void firstMatchingRouteWinsByPrefixPathOrRegex() {
    RouteTable t = routes("""
        [{"match": {"path": "/exact"}, "route": {"cluster": "path"}},
         {"match": {"safe_regex": {"regex": "/v[0-9]+/items"}}, "route": {"cluster": "regex"}},
         {"match": {"prefix": "/api/"}, "route": {"cluster": "prefix"}},
         {"match": {"prefix": "/"}, "route": {"cluster": "rest"}}]""");

    assertThat(cluster(t, TestHead.get("x", "/exact"))).isEqualTo("path");
    assertThat(cluster(t, TestHead.get("x", "/exact?q=1"))).isEqualTo("path");
    assertThat(cluster(t, TestHead.get("x", "/exact/more"))).isEqualTo("rest");
    assertThat(cluster(t, TestHead.get("x", "/v2/items?page=3"))).isEqualTo("regex");
    assertThat(cluster(t, TestHead.get("x", "/v2/items/7"))).isEqualTo("rest");
    assertThat(cluster(t, TestHead.get("x", "/api/users"))).isEqualTo("prefix");
  }

  @Test
  void caseSensitiveFalseAppliesToPrefixAndPath() {
    RouteTable t = routes("""
        [{"match": {"prefix": "/API", "case_sensitive": false}, "route": {"cluster": "api"}},
         {"match": {"path": "/Health", "case_sensitive": true}, "route": {"cluster": "health"}}]""");

    assertThat(cluster(t, TestHead.get("x", "/api/x"))).isEqualTo("api");
    assertThat(cluster(t, TestHead.get("x", "/Health"))).isEqualTo("health");
    assertThat(cluster(t, TestHead.get("x", "/health"))).isNull();
  }

  @Test
  void requiresEveryHeaderMatcher() {
    RouteTable t = routes("""
        [{"match": {"prefix": "/", "headers": [
            {"name": "x-canary", "exact_match": "1"},
            {"name": "x-debug", "present_match": true, "invert_match": true}]},
          "route": {"cluster": "canary"}},
         {"match": {"prefix": "/"}, "route": {"cluster": "stable"}}]""");

    assertThat(cluster(t, TestHead.get("x", "/").header("X-Canary", "1"))).isEqualTo("canary");
    assertThat(cluster(t, TestHead.get("x", "/").header("x-canary", "2"))).isEqualTo("stable");
    assertThat(cluster(t, TestHead.get("x", "/").header("x-canary", "1").header("x-debug", "")))
        .isEqualTo("stable");
    assertThat(cluster(t, TestHead.get("x", "/"))).isEqualTo("stable");
  }

  @Test
  void presentMatchFalseMatchesAbsentHeaders() {
    RouteTable t = routes("""
        [{"match": {"prefix": "/", "headers": [{"name": "x-user", "present_match": false}]},
          "route": {"cluster": "anonymous"}}]""");

    assertThat(cluster(t, TestHead.get("x", "/"))).isEqualTo("anonymous");
    assertThat(cluster(t, TestHead.get("x", "/").header("x-user", "bob"))).isNull();
  }

  @Test
  void invertedValueMatchersMatchOnlyPresentHeaders() {
    RouteTable t = routes("""
        [{"match": {"prefix": "/", "headers": [
            {"name": "x-env", "string_match": {"exact": "prod"}, "invert_match": true}]},
          "route": {"cluster": "not-prod"}}]""");

    assertThat(cluster(t, TestHead.get("x", "/").header("x-env", "dev"))).isEqualTo("not-prod");
    assertThat(cluster(t, TestHead.get("x", "/").header("x-env", "prod"))).isNull();
    assertThat(cluster(t, TestHead.get("x", "/"))).isNull(); // as in Envoy
  }

  @Test
  void stringMatchVariants() {
    RouteTable t = routes("""
        [{"match": {"prefix": "/", "headers": [{"name": "h", "string_match": {"exact": "Ab"}}]}, "route": {"cluster": "exact"}},
         {"match": {"prefix": "/", "headers": [{"name": "h", "string_match": {"exact": "ab", "ignore_case": true}}]}, "route": {"cluster": "exactIgnoringCase"}},
         {"match": {"prefix": "/", "headers": [{"name": "h", "string_match": {"prefix": "pre"}}]}, "route": {"cluster": "prefix"}},
         {"match": {"prefix": "/", "headers": [{"name": "h", "string_match": {"suffix": "SUF", "ignore_case": true}}]}, "route": {"cluster": "suffix"}},
         {"match": {"prefix": "/", "headers": [{"name": "h", "string_match": {"contains": "mid"}}]}, "route": {"cluster": "contains"}},
         {"match": {"prefix": "/", "headers": [{"name": "h", "string_match": {"safe_regex": {"regex": "[0-9]+"}}}]}, "route": {"cluster": "regex"}},
         {"match": {"prefix": "/", "headers": [{"name": ":method", "string_match": {"exact": "POST"}}]}, "route": {"cluster": "method"}}]""");

    assertThat(cluster(t, TestHead.get("x", "/").header("h", "Ab"))).isEqualTo("exact");
    assertThat(cluster(t, TestHead.get("x", "/").header("h", "AB"))).isEqualTo("exactIgnoringCase");
    assertThat(cluster(t, TestHead.get("x", "/").header("h", "prefixed"))).isEqualTo("prefix");
    assertThat(cluster(t, TestHead.get("x", "/").header("h", "the-suf"))).isEqualTo("suffix");
    assertThat(cluster(t, TestHead.get("x", "/").header("h", "amidst"))).isEqualTo("contains");
    assertThat(cluster(t, TestHead.get("x", "/").header("h", "123"))).isEqualTo("regex");
    assertThat(cluster(t, TestHead.get("x", "/").header("h", "123x"))).isNull();
    assertThat(cluster(t, TestHead.of("POST", "x", "/"))).isEqualTo("method");
  }

  @Test
  void repeatedHeadersAreJoinedWithCommas() {
    RouteTable t = routes("""
        [{"match": {"prefix": "/", "headers": [{"name": "h", "string_match": {"exact": "a,b"}}]},
          "route": {"cluster": "both"}}]""");

    assertThat(cluster(t, TestHead.get("x", "/").header("h", "a").header("h", "b"))).isEqualTo("both");
  }

  @Test
  void picksWeightedClustersInProportionToTheirWeights() {
    Route r = routes("""
        [{"match": {"prefix": "/"}, "route": {"weighted_clusters": {"clusters": [
            {"name": "a", "weight": 80}, {"name": "b", "weight": 20}, {"name": "off", "weight": 0}]}}}]""")
        .match(TestHead.get("x", "/"));
    RandomGenerator random = new SplittableRandom(42);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      counts.merge(r.pickCluster(random), 1, Integer::sum);
    }

    assertThat(counts).doesNotContainKey("off");
    assertThat(counts.get("a")).isBetween(7_800, 8_200);
    assertThat(counts.get("b")).isBetween(1_800, 2_200);
    assertThat(r.clusterNames()).containsExactlyInAnyOrder("a", "b", "off");
  }

  @Test
  void timeoutDefaultsToFifteenSecondsAndZeroMeansNone() {
    RouteTable t = routes("""
        [{"match": {"path": "/default"}, "route": {"cluster": "c"}},
         {"match": {"path": "/none"}, "route": {"cluster": "c", "timeout": "0s"}},
         {"match": {"path": "/short"}, "route": {"cluster": "c", "timeout": "1.5s"}}]""");

    assertThat(t.match(TestHead.get("x", "/default")).timeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(t.match(TestHead.get("x", "/none")).timeout()).isEqualTo(Duration.ZERO);
    assertThat(t.match(TestHead.get("x", "/short")).timeout()).isEqualTo(Duration.ofMillis(1500));
  }

  private static Route hashing(String policiesJson) {
    return routes("[{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"c\", \"hash_policy\": "
        + policiesJson + "}}]").match(TestHead.get("x", "/"));
  }

  @Test
  void withoutHashPolicyThereIsNoHash() {
    Route r = routes("[{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"c\"}}]")
        .match(TestHead.get("x", "/"));

    assertThat(r.hash(TestHead.get("x", "/"))).isEqualTo(HashResult.none());
  }

  @Test
  void hashesAHeader() {
    Route r = hashing("[{\"header\": {\"header_name\": \"x-user\"}}]");

    HashResult bob = r.hash(TestHead.get("x", "/").header("x-user", "bob"));
    assertThat(bob).isEqualTo(new HashResult(true, HashResult.hashOf("bob"), null));
    assertThat(r.hash(TestHead.get("x", "/other").header("X-User", "bob"))).isEqualTo(bob);
    assertThat(r.hash(TestHead.get("x", "/")).present()).isFalse();
  }

  @Test
  void hashesThePathThroughThePseudoHeader() {
    Route r = hashing("[{\"header\": {\"header_name\": \":path\"}}]");

    assertThat(r.hash(TestHead.get("x", "/img/1.png")).hash())
        .isEqualTo(HashResult.hashOf("/img/1.png"))
        .isNotEqualTo(r.hash(TestHead.get("x", "/img/2.png")).hash());
  }

  @Test
  void hashesAPresentCookieStably() {
    Route r = hashing("[{\"cookie\": {\"name\": \"sticky\", \"ttl\": \"3600s\", \"path\": \"/\"}}]");

    HashResult h = r.hash(TestHead.get("x", "/").header("cookie", "a=1; sticky=\"abc\"; b=2"));
    assertThat(h).isEqualTo(new HashResult(true, HashResult.hashOf("abc"), null));
    assertThat(r.hash(TestHead.get("x", "/").header("Cookie", "sticky=abc"))).isEqualTo(h);
  }

  @Test
  void generatesASetCookieWhenTheCookieIsAbsentAndTtlIsSet() {
    Route r = hashing("[{\"cookie\": {\"name\": \"sticky\", \"ttl\": \"3600s\", \"path\": \"/app\"}}]");

    HashResult h = r.hash(TestHead.get("x", "/").header("cookie", "stickyish=1"), new SplittableRandom(7));

    assertThat(h.present()).isTrue();
    assertThat(h.setCookie()).matches("sticky=[0-9a-f]{16}; Max-Age=3600; Path=/app; HttpOnly");
    String value = h.setCookie().substring("sticky=".length(), "sticky=".length() + 16);
    assertThat(h.hash()).isEqualTo(HashResult.hashOf(value));
    // The client sends the cookie back and lands on the same hash.
    assertThat(r.hash(TestHead.get("x", "/").header("cookie", "sticky=" + value)).hash())
        .isEqualTo(h.hash());
  }

  @Test
  void withoutTtlAnAbsentCookieProducesNoHash() {
    Route r = hashing("[{\"cookie\": {\"name\": \"sticky\"}}]");

    assertThat(r.hash(TestHead.get("x", "/"))).isEqualTo(HashResult.none());
  }

  @Test
  void zeroTtlGeneratesASessionCookie() {
    Route r = hashing("[{\"cookie\": {\"name\": \"s\", \"ttl\": \"0s\"}}]");

    assertThat(r.hash(TestHead.get("x", "/")).setCookie()).matches("s=[0-9a-f]{16}; HttpOnly");
  }

  @Test
  void hashesTheSourceIpIgnoringThePort() {
    Route r = hashing("[{\"connection_properties\": {\"source_ip\": true}}]");

    HashResult h = r.hash(TestHead.get("x", "/").from("10.0.0.9", 1111));
    assertThat(h.hash()).isEqualTo(HashResult.hashOf("10.0.0.9"));
    assertThat(r.hash(TestHead.get("x", "/").from("10.0.0.9", 2222))).isEqualTo(h);
  }

  @Test
  void combinesPoliciesAndStopsAfterATerminalOneThatHashed() {
    Route r = hashing("""
        [{"header": {"header_name": "x-tenant"}, "terminal": true},
         {"header": {"header_name": "x-user"}},
         {"connection_properties": {"source_ip": true}, "terminal": true},
         {"header": {"header_name": "x-never"}}]""");
    long tenant = HashResult.hashOf("t1");
    long user = HashResult.hashOf("bob");
    long ip = HashResult.hashOf("10.1.2.3");

    assertThat(r.hash(TestHead.get("x", "/").header("x-tenant", "t1").header("x-user", "bob")).hash())
        .isEqualTo(tenant);
    assertThat(r.hash(TestHead.get("x", "/").header("x-user", "bob").header("x-never", "z")).hash())
        .isEqualTo(Long.rotateLeft(user, 1) ^ ip);
  }

  @Test
  void exposesReferencedClusters() {
    RouteTable t = routes("""
        [{"match": {"prefix": "/a"}, "route": {"cluster": "a"}},
         {"match": {"prefix": "/"}, "route": {"weighted_clusters": {"clusters": [
            {"name": "b", "weight": 1}, {"name": "c", "weight": 1}]}}}]""");

    assertThat(t.clusterNames()).containsExactly("a", "b", "c");
  }

  @Test
  void refusesBadConfigurationWithThePath() {
    assertThatThrownBy(() -> routes(
        "[{\"match\": {\"safe_regex\": {\"regex\": \"([\"}}, \"route\": {\"cluster\": \"c\"}}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("virtual_hosts[0].routes[0].match.safe_regex.regex: invalid regex");
    assertThatThrownBy(() -> hosts("a", "[\"x\"]", "b", "[\"X\"]"))
        .hasMessage("virtual_hosts[1].domains[0]: duplicate domain \"x\"");
    assertThatThrownBy(() -> hosts("a", "[\"a*b\"]"))
        .hasMessageStartingWith("virtual_hosts[0].domains[0]: invalid domain \"a*b\"");
    assertThatThrownBy(() -> routes("[{\"match\": {\"prefix\": \"/\"}, \"route\": {\"weighted_clusters\": "
        + "{\"clusters\": [{\"name\": \"a\", \"weight\": 0}]}}}]"))
        .hasMessage("virtual_hosts[0].routes[0].route.weighted_clusters.clusters: "
            + "weights must add up to more than 0");
    assertThatThrownBy(() -> routes("[{\"match\": {\"prefix\": \"/\", \"headers\": [{\"name\": \"h\", "
        + "\"string_match\": {\"safe_regex\": {\"regex\": \"(\"}}}]}, \"route\": {\"cluster\": \"c\"}}]"))
        .hasMessageStartingWith(
            "virtual_hosts[0].routes[0].match.headers[0].string_match.safe_regex.regex: invalid regex");
  }
}
