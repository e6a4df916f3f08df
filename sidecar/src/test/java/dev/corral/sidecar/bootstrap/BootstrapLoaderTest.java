package dev.corral.sidecar.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class BootstrapLoaderTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HCM =
      "static_resources.listeners[0].filter_chains[0].filters[0].typed_config";
  private static final String ROUTE0 = HCM + ".route_config.virtual_hosts[0].routes[0]";

  @Test
  void loadsAFullBootstrapUsingEverySupportedField() throws IOException {
    Bootstrap b = BootstrapLoader.parse(full(), "full-bootstrap.yaml");

    assertThat(b.getNode().getLocality().getSubZone()).isEqualTo("rack-7");
    Cluster images = b.getStaticResources().getClusters(0);
    assertThat(images.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(images.getLoadAssignment().getEndpoints(0).getLbEndpoints(0)
        .getLoadBalancingWeight().getValue()).isEqualTo(3);
    HttpConnectionManager hcm = b.getStaticResources().getListeners(0).getFilterChains(0)
        .getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    assertThat(hcm.getRouteConfig().getVirtualHosts(0).getRoutes(2).getRoute().getHashPolicyCount())
        .isEqualTo(3);
    HealthCheck check = images.getHealthChecks(0);
    assertThat(List.of(check.getUnhealthyInterval(), check.getUnhealthyEdgeInterval(),
            check.getHealthyEdgeInterval(), check.getNoTrafficHealthyInterval()))
        .extracting(com.google.protobuf.Duration::getSeconds).containsExactly(30L, 2L, 3L, 120L);
  }

  @Test
  void loadsTheShippedExample() {
    Bootstrap b = BootstrapLoader.load(Path.of("../examples/sidecar-bootstrap.yaml"));

    assertThat(b.getAdmin().getAddress().getSocketAddress().getPortValue()).isEqualTo(15000);
    assertThat(b.getStaticResources().getListeners(0).getName()).isEqualTo("outbound");
    assertThat(b.getStaticResources().getClusters(0).getLoadAssignment().getEndpoints(0)
        .getLbEndpointsCount()).isEqualTo(3);
  }

  @Test
  void readsJsonAsWellAsYaml() throws IOException {
    String json = JSON.writeValueAsString(YAML.readTree(full()));
    assertThat(json).startsWith("{\"node\"");

    assertThat(BootstrapLoader.parse(json, "full.json"))
        .isEqualTo(BootstrapLoader.parse(full(), "full.yaml"));
  }

  @Test
  void acceptsCamelCaseJsonNames() throws IOException {
    ObjectNode root = tree();
    ObjectNode cluster = (ObjectNode) at(root, "static_resources.clusters[0]");
    cluster.set("connectTimeout", cluster.remove("connect_timeout"));

    assertThat(BootstrapLoader.parse(root.toString(), "camel.json").getStaticResources()
        .getClusters(0).getConnectTimeout().getNanos()).isEqualTo(250_000_000);
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        refusal("static_resources.clusters[1].dns_lookup_family", "V4_ONLY",
            "static_resources.clusters[1].dns_lookup_family: not supported"),
        refusal("static_resources.clusters[0].type", "STRICT_DNS",
            "static_resources.clusters[0].type: STRICT_DNS not supported (expected: STATIC, ORIGINAL_DST"),
        refusal("static_resources.listeners[0].listener_filters",
            "[{name: envoy.filters.listener.original_dst, filter_disabled: {destination_port_range: {start: 1, end: 2}}}]",
            "static_resources.listeners[0].listener_filters[0].filter_disabled: not supported"),
        refusal("static_resources.listeners[0].filter_chains[0].transport_socket",
            "{name: envoy.transport_sockets.tls}",
            "static_resources.listeners[0].filter_chains[0].transport_socket: not supported"),
        refusal(HCM + ".http_filters[0].typed_config",
            "{'@type': type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors}",
            HCM + ".http_filters[0].typed_config: unknown type "
                + "\"type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors\""),
        refusal("static_resources.clusters[0].conect_timeout", "1s",
            "static_resources.clusters[0].conect_timeout: unknown field (not in envoy.config.cluster.v3.Cluster)"),
        refusal(ROUTE0 + ".match.grpc", "{}", ROUTE0 + ".match.grpc: not supported"),
        refusal(ROUTE0 + ".route.retry_policy.retry_priority", "{name: x}",
            ROUTE0 + ".route.retry_policy.retry_priority: not supported"),
        refusal(ROUTE0 + ".route.retry_policy.retry_on", "\"5xx,envoy-ratelimited\"",
            ROUTE0 + ".route.retry_policy.retry_on: 'envoy-ratelimited' not supported"),
        refusal(HCM + ".http2_protocol_options.max_concurrent_streams", "100",
            HCM + ".http2_protocol_options.max_concurrent_streams: not supported"),
        refusal("static_resources.clusters[0].circuit_breakers.per_host_thresholds", "[{max_connections: 1}]",
            "static_resources.clusters[0].circuit_breakers.per_host_thresholds: not supported"),
        refusal("static_resources.clusters[0].outlier_detection.success_rate_minimum_hosts", "5",
            "static_resources.clusters[0].outlier_detection.success_rate_minimum_hosts"),
        refusal("static_resources.clusters[0].health_checks", "[{timeout: 1s, interval: 1s, tcp_health_check: {}}]",
            "static_resources.clusters[0].health_checks[0]"),
        refusal("static_resources.clusters[0].typed_extension_protocol_options",
            "{other: {'@type': type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions}}",
            "static_resources.clusters[0].typed_extension_protocol_options[\"other\"]: not supported"),
        refusal("static_resources.clusters[0].lb_policy", "LEAST_REQUESTS",
            "static_resources.clusters[0].lb_policy: unknown value \"LEAST_REQUESTS\""),
        refusal("static_resources.clusters[0].connect_timeout", "5",
            "static_resources.clusters[0].connect_timeout: invalid duration 5"),
        refusal("dynamic_resources", "{lds_config: {path: /etc/envoy/lds.yaml}}",
            "dynamic_resources.lds_config.path: not supported"),
        refusal("dynamic_resources", "{ads_config: {api_type: GRPC, set_node_on_first_message_only: true}}",
            "dynamic_resources.ads_config.set_node_on_first_message_only: not supported"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void namesTheFirstUnsupportedFieldWithItsFullPath(String path, String yaml, String message)
      throws IOException {
    assertRefused(path, yaml, message);
  }

  static Stream<Arguments> semanticErrors() {
    return Stream.of(
        refusal(ROUTE0 + ".route.cluster", "nowhere",
            ROUTE0 + ".route.cluster: unknown cluster \"nowhere\""),
        refusal("static_resources.clusters[1].name", "images",
            "static_resources.clusters[1].name: duplicate cluster \"images\""),
        refusal("static_resources.listeners[0].filter_chains[0].filters[0].name",
            "envoy.filters.network.redis_proxy",
            "static_resources.listeners[0].filter_chains[0].filters[0].name: "
                + "\"envoy.filters.network.redis_proxy\" not supported"),
        refusal("static_resources.listeners[0].filter_chains[0].filters[0].name",
            "envoy.filters.network.tcp_proxy",
            "static_resources.listeners[0].filter_chains[0].filters[0].typed_config: expected type "
                + "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy"),
        refusal("static_resources.listeners[1].filter_chains[1].filter_chain_match", "{destination_port: 8080}",
            "static_resources.listeners[1].filter_chains[1].filter_chain_match: the same match as an earlier"),
        refusal("static_resources.listeners[1].listener_filters[1].name", "envoy.filters.listener.tls_inspector",
            "static_resources.listeners[1].listener_filters[1].name: \"envoy.filters.listener.tls_inspector\" not supported"),
        refusal("static_resources.listeners[1].listener_filters", "[{name: envoy.filters.listener.original_dst}]",
            "static_resources.listeners[1].filter_chains[1].filter_chain_match.application_protocols: "
                + "needs the listener filter envoy.filters.listener.http_inspector"),
        refusal("static_resources.listeners[1].default_filter_chain.filters[0].typed_config.cluster", "nowhere",
            "static_resources.listeners[1].default_filter_chain.filters[0].typed_config.cluster: unknown cluster \"nowhere\""),
        refusal("static_resources.clusters[0].health_checks[0].unhealthy_edge_interval", "0s",
            "static_resources.clusters[0].health_checks[0].unhealthy_edge_interval: 0s (expected: > 0)"),
        refusal("static_resources.clusters[0].health_checks[0].no_traffic_healthy_interval", "-1s",
            "static_resources.clusters[0].health_checks[0].no_traffic_healthy_interval: -1s 0ns"),
        refusal("static_resources.clusters[4].lb_policy", "ROUND_ROBIN",
            "static_resources.clusters[4].lb_policy: ROUND_ROBIN (expected: CLUSTER_PROVIDED with type ORIGINAL_DST)"),
        refusal(HCM + ".http_filters", "[]", HCM + ".http_filters: required"),
        refusal("dynamic_resources", ads("REST", "images"),
            "dynamic_resources.ads_config.api_type: REST not supported (expected: GRPC)"),
        refusal("dynamic_resources", ads("GRPC", "xds"),
            "dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name: unknown cluster \"xds\""),
        refusal("dynamic_resources", ads("GRPC", "images-lr"),
            "dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name: cluster \"images-lr\" must speak HTTP/2"),
        refusal("static_resources.clusters[0].type", "EDS",
            "static_resources.clusters[0].type: EDS not supported (expected: STATIC, ORIGINAL_DST; EDS only in clusters delivered by CDS)"),
        refusal(HCM + ".http_filters[0].name", "envoy.filters.http.cors",
            HCM + ".http_filters[0].name: \"envoy.filters.http.cors\" not supported"),
        refusal(HCM + ".route_config", "null", HCM + ".route_config: required"),
        refusal("admin.address.socket_address.port_value", "70000",
            "admin.address.socket_address.port_value: 70000 (expected: 0..65535)"),
        refusal(HCM + ".route_config.virtual_hosts[0].routes[1].match.safe_regex.regex", "'(['",
            HCM + ".route_config.virtual_hosts[0].routes[1].match.safe_regex.regex: invalid regex"),
        refusal(HCM + ".route_config.virtual_hosts[0].domains[1]", "images",
            HCM + ".route_config.virtual_hosts[0].domains[1]: duplicate domain \"images\""),
        refusal("static_resources.clusters[0].typed_extension_protocol_options",
            "{envoy.extensions.upstreams.http.v3.HttpProtocolOptions: "
                + "{'@type': type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}}",
            "static_resources.clusters[0].typed_extension_protocol_options"
                + "[\"envoy.extensions.upstreams.http.v3.HttpProtocolOptions\"]: expected type "
                + "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"),
        refusal("static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0]"
                + ".endpoint.address.socket_address.address", "images.svc",
            "static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0]"
                + ".endpoint.address.socket_address.address: \"images.svc\" (expected: an IP address"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("semanticErrors")
  void namesThePathOfSemanticErrors(String path, String yaml, String message) throws IOException {
    assertRefused(path, yaml, message);
  }

  @Test
  void reportsSyntaxErrorsWithFileAndLine() {
    assertThatThrownBy(() -> BootstrapLoader.parse("node:\n  id: [unclosed\n", "bad.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("bad.yaml:");
    assertThatThrownBy(() -> BootstrapLoader.parse("", "empty.yaml"))
        .hasMessage("empty.yaml: empty bootstrap");
  }

  @Test
  void documentsEverySupportedPath() throws IOException {
    String docs = Files.readString(Path.of("../docs/bootstrap.md"));
    SupportedFields.table().forEach((type, paths) -> {
      assertThat(docs).as("section of %s", type).contains("## `" + type + "`");
      for (String path : paths) {
        assertThat(docs).as("row of %s", path).contains("| `" + path + "` |");
      }
    });
  }

  private static String ads(String apiType, String cluster) {
    return "{ads_config: {api_type: " + apiType + ", transport_api_version: V3, grpc_services: "
        + "[{envoy_grpc: {cluster_name: " + cluster + "}}]}, lds_config: {ads: {}}, cds_config: {ads: {}}}";
  }

  @Test
  void acceptsAdsToAStaticHttp2Cluster() throws IOException {
    ObjectNode root = tree();
    int h2 = -1;
    for (int i = 0; i < root.get("static_resources").get("clusters").size(); i++) {
      if (root.get("static_resources").get("clusters").get(i).toString().contains("http2_protocol_options")) {
        h2 = i;
      }
    }
    assertThat(h2).as("full-bootstrap.yaml has an HTTP/2 cluster").isNotNegative();
    String name = root.get("static_resources").get("clusters").get(h2).get("name").asText();
    set(root, "dynamic_resources", YAML.readTree(ads("GRPC", name)));

    Bootstrap b = BootstrapLoader.parse(root.toString(), "ads.json");

    assertThat(b.getDynamicResources().getAdsConfig().getGrpcServices(0).getEnvoyGrpc().getClusterName())
        .isEqualTo(name);
    assertThat(b.getDynamicResources().getLdsConfig().hasAds()).isTrue();
  }

  private static Arguments refusal(String path, String yaml, String message) {
    return Arguments.of(path, yaml, message);
  }

  private static void assertRefused(String path, String yaml, String message) throws IOException {
    ObjectNode root = tree();
    set(root, path, YAML.readTree(yaml));
    assertThatThrownBy(() -> BootstrapLoader.parse(root.toString(), "t.json"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }

  private static String full() throws IOException {
    try (InputStream in = BootstrapLoaderTest.class.getResourceAsStream("/full-bootstrap.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ObjectNode tree() throws IOException {
    return (ObjectNode) YAML.readTree(full());
  }

  private static final Pattern SEGMENT = Pattern.compile("([^.\\[]+)(?:\\[(\\d+)])?");

  /** Sets the node at a dotted path such as {@code a.b[1].c}, creating objects on the way. */
  private static void set(ObjectNode root, String path, JsonNode value) {
    int dot = path.lastIndexOf('.');
    JsonNode parent = dot < 0 ? root : at(root, path.substring(0, dot));
    Matcher last = SEGMENT.matcher(path.substring(dot + 1));
    if (!last.matches()) {
      throw new IllegalArgumentException(path);
    }
    if (last.group(2) == null) {
      ((ObjectNode) parent).set(last.group(1), value);
    } else {
      ((ArrayNode) parent.get(last.group(1))).set(Integer.parseInt(last.group(2)), value);
    }
  }

  private static JsonNode at(ObjectNode root, String path) {
    JsonNode node = root;
    for (String part : path.split("\\.")) {
      Matcher s = SEGMENT.matcher(part);
      if (!s.matches()) {
        throw new IllegalArgumentException(path);
      }
      JsonNode next = node.get(s.group(1));
      if (next == null) {
        next = ((ObjectNode) node).putObject(s.group(1));
      }
      node = s.group(2) == null ? next : next.get(Integer.parseInt(s.group(2)));
    }
    return node;
  }
}
