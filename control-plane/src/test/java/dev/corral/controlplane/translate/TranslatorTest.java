package dev.corral.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.xds.type.v3.TypedStruct;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.xds.XdsResources;
import dev.corral.controlplane.xds.XdsType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranslatorTest {
  private static final String CATALOG = "outbound|80||catalog.shop.svc.cluster.local";
  private static final String SEARCH_GRPC = "outbound|9090||search.shop.svc.cluster.local";
  private static final String RATINGS = "outbound|8080||ratings.other.svc.cluster.local";

  private final MeshModel policies = TranslatorGoldenTest.load(TranslatorGoldenTest.POLICIES);
  private final XdsResources catalog = Translator.translate(policies, TranslatorGoldenTest.CATALOG);

  @Test
  void drainsTerminatingAndLeavesOutNotReadyEndpoints() {
    ClusterLoadAssignment cla = endpoints(catalog, CATALOG);
    List<String> addresses = cla.getEndpointsList().stream()
        .flatMap(l -> l.getLbEndpointsList().stream())
        .map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress())
        .toList();
    assertThat(addresses).containsExactly("10.0.0.1", "10.0.0.3", "10.0.0.2");
  }

  @Test
  void groupsEndpointsByZoneWithLocalityWeights() {
    ClusterLoadAssignment cla = endpoints(catalog, CATALOG);
    assertThat(cla.getEndpointsList()).extracting(l -> l.getLocality().getZone())
        .containsExactly("zone-a", "zone-b");
    assertThat(cla.getEndpointsList()).extracting(l -> l.getLoadBalancingWeight().getValue())
        .containsExactly(2, 1);
  }

  @Test
  void shortNamesOnlyForServicesOfTheCallersNamespace() {
    VirtualHost shopCatalog = virtualHost(catalog, "catalog.shop.svc.cluster.local:80");
    assertThat(shopCatalog.getDomainsList()).containsExactly(
        "catalog", "catalog:80", "catalog.shop", "catalog.shop:80", "catalog.shop.svc",
        "catalog.shop.svc:80", "catalog.shop.svc.cluster.local", "catalog.shop.svc.cluster.local:80");
    VirtualHost otherRatings = virtualHost(catalog, "ratings.other.svc.cluster.local:8080");
    assertThat(otherRatings.getDomainsList()).doesNotContain("ratings", "ratings:8080")
        .contains("ratings.other", "ratings.other:8080");
  }

  @Test
  void barePortlessNamesGoToTheFirstPortOnly() {
    assertThat(virtualHost(catalog, "search.shop.svc.cluster.local:9090").getDomainsList()).contains("search");
    assertThat(virtualHost(catalog, "search.shop.svc.cluster.local:8080").getDomainsList())
        .doesNotContain("search").contains("search:8080");
  }

  @Test
  void peakEwmaIsACorralExtensionWithAStandardFallback() throws Exception {
    Cluster search = cluster(catalog, SEARCH_GRPC);
    assertThat(search.getLbPolicy()).isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
    var policies = search.getLoadBalancingPolicy().getPoliciesList();
    assertThat(policies).hasSize(2);
    assertThat(policies.get(0).getTypedExtensionConfig().getTypedConfig().unpack(TypedStruct.class).getTypeUrl())
        .isEqualTo("type.googleapis.com/corral.v1alpha1.PeakEwma");
    assertThat(policies.get(1).getTypedExtensionConfig().getTypedConfig().getTypeUrl())
        .endsWith("least_request.v3.LeastRequest");
  }

  @Test
  void retryBudgetGoesOnTheClusterAndRetriesOnTheRoute() {
    Cluster search = cluster(catalog, SEARCH_GRPC);
    var thresholds = search.getCircuitBreakers().getThresholds(0);
    assertThat(thresholds.getRetryBudget().getBudgetPercent().getValue()).isEqualTo(25);
    assertThat(thresholds.getRetryBudget().getMinRetryConcurrency().getValue()).isEqualTo(5);
    assertThat(thresholds.getMaxRequests().getValue()).isEqualTo(100);
    RouteAction action = route(catalog, "search.shop.svc.cluster.local:9090");
    assertThat(action.getRetryPolicy().getNumRetries().getValue()).isEqualTo(3);
    assertThat(action.getRetryPolicy().getRetryOn()).isEqualTo("connect-failure,refused-stream,reset,gateway-error");
  }

  @Test
  void h2cPortsGetHttp2Upstreams() throws Exception {
    var options = cluster(catalog, SEARCH_GRPC).getTypedExtensionProtocolOptionsOrThrow(
        Clusters.HTTP_PROTOCOL_OPTIONS_KEY).unpack(
        io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.class);
    assertThat(options.getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
    assertThat(options.getCommonHttpProtocolOptions().getIdleTimeout().getSeconds()).isEqualTo(600);
  }

  @Test
  void hashOnMapsToEnvoysHashPolicies() {
    assertThat(route(catalog, "catalog.shop.svc.cluster.local:80").getHashPolicy(0).getCookie())
        .satisfies(c -> {
          assertThat(c.getName()).isEqualTo("corral-affinity");
          assertThat(c.getTtl().getSeconds()).isEqualTo(3600);
          assertThat(c.getPath()).isEqualTo("/");
        });
    assertThat(route(catalog, "ratings.other.svc.cluster.local:8080").getHashPolicy(0)
        .getConnectionProperties().getSourceIp()).isTrue();
    assertThat(route(catalog, "users.shop.svc.cluster.local:8080").getHashPolicy(0).getHeader()
        .getHeaderName()).isEqualTo(":path");
    assertThat(cluster(catalog, RATINGS).getLbPolicy()).isEqualTo(Cluster.LbPolicy.MAGLEV);
  }

  @Test
  void gatewayFailureEjectionsAreEnforcedWhenThePolicyNamesThem() {
    XdsResources images = Translator.translate(TranslatorGoldenTest.load(TranslatorGoldenTest.EXAMPLES_MESH),
        TranslatorGoldenTest.FRONTEND);
    var od = cluster(images, "outbound|8080||images.shop.svc.cluster.local").getOutlierDetection();
    assertThat(od.getConsecutiveGatewayFailure().getValue()).isEqualTo(3);
    assertThat(od.getEnforcingConsecutiveGatewayFailure().getValue()).isEqualTo(100);
  }

  @Test
  void healthCheckIntervalsReachTheClusterAndUnsetOnesStayUnset() {
    HealthCheck ratings = cluster(catalog, RATINGS).getHealthChecks(0);
    assertThat(ratings.getUnhealthyInterval()).isEqualTo(duration(30, 0));
    assertThat(ratings.getUnhealthyEdgeInterval()).isEqualTo(duration(5, 0));
    assertThat(ratings.getHealthyEdgeInterval()).isEqualTo(duration(1, 0));
    assertThat(ratings.getNoTrafficInterval()).isEqualTo(duration(10, 0));
    assertThat(ratings.getNoTrafficHealthyInterval()).isEqualTo(duration(60, 0));
    assertThat(ratings.getIntervalJitter()).isEqualTo(duration(0, 250_000_000));

    // examples/mesh sets only the unhealthy intervals: the others are left to Envoy's defaults.
    XdsResources frontend = Translator.translate(TranslatorGoldenTest.load(TranslatorGoldenTest.EXAMPLES_MESH),
        TranslatorGoldenTest.FRONTEND);
    HealthCheck images = cluster(frontend, "outbound|8080||images.shop.svc.cluster.local").getHealthChecks(0);
    assertThat(images.getUnhealthyInterval()).isEqualTo(duration(30, 0));
    assertThat(images.getUnhealthyEdgeInterval()).isEqualTo(duration(5, 0));
    assertThat(images.hasHealthyEdgeInterval()).isFalse();
    assertThat(images.hasNoTrafficInterval()).isFalse();
    assertThat(images.hasNoTrafficHealthyInterval()).isFalse();
    assertThat(images.hasIntervalJitter()).isFalse();
  }

  @Test
  void findsTheAppPortFromItsOwnEndpointWhenTheNodeDoesNotSay() {
    assertThat(catalog.clusters()).extracting(Cluster::getName).contains("inbound|8080||");
    Listener inbound = catalog.listeners().stream().filter(l -> l.getName().equals("inbound")).findFirst().orElseThrow();
    assertThat(inbound.getAddress().getSocketAddress().getPortValue()).isEqualTo(15006);
  }

  @Test
  void withoutAnAppPortThereIsNoInboundListener() {
    XdsResources r = Translator.translate(policies, NodeContext.of("caller", "shop", "caller")
        .withInterception(NodeContext.Interception.NONE));
    assertThat(r.listeners()).extracting(Listener::getName).containsExactly("outbound");
    assertThat(r.clusters()).extracting(Cluster::getName).noneMatch(n -> n.startsWith("inbound|"));
  }

  @Test
  void listenersTakeThePortsOfTheNodeMetadata() {
    Node node = Node.newBuilder().setId("frontend-0.shop").setMetadata(Struct.newBuilder()
        .putFields("workload", Value.newBuilder().setStringValue("frontend").build())
        .putFields("corral.outbound_port", Value.newBuilder().setNumberValue(16001).build())
        .putFields("corral.inbound_port", Value.newBuilder().setStringValue("16006").build())
        .putFields("corral.app_port", Value.newBuilder().setNumberValue(18080).build())
        .putFields("corral.listen_address", Value.newBuilder().setStringValue("127.0.0.1").build()))
        .build();
    NodeContext ctx = NodeContext.fromNode(node);
    assertThat(ctx).isEqualTo(TranslatorGoldenTest.FRONTEND);
    assertThat(ctx.group()).isEqualTo("shop/frontend@127.0.0.1:16001,16006,18080");
    assertThat(NodeContext.of("p", "shop", "w").group()).isEqualTo("shop/w");
  }

  @Test
  void policyIndexPinsClustersAndRoutesOnTheirPolicies() {
    PolicyIndex index = PolicyIndex.of(policies);
    assertThat(index.policiesOf(XdsType.CDS, CATALOG)).containsExactly("shop/BalancePolicy/catalog");
    assertThat(index.policiesOf(XdsType.RDS, "outbound")).containsExactlyInAnyOrder(
        "shop/BalancePolicy/catalog", "shop/BalancePolicy/search", "shop/BalancePolicy/users",
        "other/BalancePolicy/ratings");
    assertThat(index.policiesOf(XdsType.EDS, CATALOG)).isEmpty();
  }

  @Test
  void localSidecarsTakeTheirPodsEndpointsThroughTheirInboundListener() {
    MeshModel examples = TranslatorGoldenTest.load(TranslatorGoldenTest.EXAMPLES_MESH);
    LocalSidecars local = LocalSidecars.of(List.of(TranslatorGoldenTest.FRONTEND, TranslatorGoldenTest.IMAGES));
    XdsResources r = Translator.translate(examples, TranslatorGoldenTest.FRONTEND, PlacementFilters.none(), local);
    List<Integer> ports = endpoints(r, "outbound|8080||images.shop.svc.cluster.local").getEndpointsList().stream()
        .flatMap(l -> l.getLbEndpointsList().stream())
        .map(e -> e.getEndpoint().getAddress().getSocketAddress().getPortValue())
        .toList();
    // images-0 (app 18081) has a sidecar with inbound 17006; images-1 and -2 have none.
    assertThat(ports).containsExactly(17006, 18082, 18083);
  }

  @Test
  void equalInputsGiveEqualOutput() {
    assertThat(Translator.translate(policies, TranslatorGoldenTest.CATALOG)).isEqualTo(catalog);
  }

  private static Cluster cluster(XdsResources r, String name) {
    return r.clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static com.google.protobuf.Duration duration(long seconds, int nanos) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(seconds).setNanos(nanos).build();
  }

  private static ClusterLoadAssignment endpoints(XdsResources r, String name) {
    return r.endpoints().stream().filter(c -> c.getClusterName().equals(name)).findFirst().orElseThrow();
  }

  private static VirtualHost virtualHost(XdsResources r, String name) {
    return r.routes().get(0).getVirtualHostsList().stream().filter(v -> v.getName().equals(name))
        .findFirst().orElseThrow();
  }

  private static RouteAction route(XdsResources r, String vhost) {
    return virtualHost(r, vhost).getRoutes(0).getRoute();
  }


  @Test
  void anInterceptedSidecarPassesThroughWhatIsNotAMeshService() throws Exception {
    XdsResources r = Translator.translate(policies, NodeContext.of("caller", "shop", "caller"));

    Listener outbound = r.listeners().get(0);
    assertThat(outbound.getListenerFiltersList()).extracting(f -> f.getName())
        .containsExactly("envoy.filters.listener.original_dst", "envoy.filters.listener.http_inspector");
    assertThat(outbound.getFilterChains(0).getFilterChainMatch().getApplicationProtocolsList())
        .contains("http/1.1", "h2c");
    assertThat(outbound.getDefaultFilterChain().getFilters(0).getTypedConfig()
        .unpack(io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.class).getCluster())
        .isEqualTo(Names.PASSTHROUGH);
    VirtualHost last = r.routes().get(0).getVirtualHosts(r.routes().get(0).getVirtualHostsCount() - 1);
    assertThat(last.getDomainsList()).containsExactly("*");
    assertThat(last.getRoutes(0).getRoute().getCluster()).isEqualTo(Names.PASSTHROUGH);
    assertThat(r.clusters()).filteredOn(c -> c.getType() == Cluster.DiscoveryType.ORIGINAL_DST)
        .extracting(Cluster::getName).containsExactly(Names.PASSTHROUGH, Names.INBOUND_PASSTHROUGH);
    // No app port known: the inbound listener only passes the pod's ports through.
    Listener inbound = r.listeners().get(1);
    assertThat(inbound.getFilterChainsCount()).isZero();
    assertThat(inbound.getDefaultFilterChain().getFilters(0).getName()).isEqualTo("envoy.filters.network.tcp_proxy");
  }

  @Test
  void theInterceptedInboundListenerSendsTheAppPortToTheConnectionManager() {
    Listener inbound = catalog.listeners().get(1);
    String appCluster = catalog.clusters().stream().map(Cluster::getName).filter(n -> n.startsWith("inbound|"))
        .findFirst().orElseThrow();
    assertThat(appCluster).isEqualTo(Names.inboundCluster(
        inbound.getFilterChains(0).getFilterChainMatch().getDestinationPort().getValue()));
    assertThat(inbound.getFilterChains(0).getFilters(0).getName())
        .isEqualTo("envoy.filters.network.http_connection_manager");
    assertThat(inbound.getListenerFilters(0).getName()).isEqualTo("envoy.filters.listener.original_dst");
  }

  @Test
  void localModeSidecarsOnLoopbackAreNotInterceptedUnlessTheirMetadataSaysSo() {
    Node.Builder node = Node.newBuilder().setId("web-0.shop").setMetadata(Struct.newBuilder()
        .putFields("corral.listen_address", Value.newBuilder().setStringValue("127.0.0.1").build()));
    assertThat(NodeContext.fromNode(node.build()).intercepted()).isFalse();
    XdsResources local = Translator.translate(policies, NodeContext.fromNode(node.build()));
    assertThat(local.clusters()).noneMatch(c -> c.getType() == Cluster.DiscoveryType.ORIGINAL_DST);
    assertThat(local.listeners().get(0).getListenerFiltersCount()).isZero();

    node.getMetadataBuilder().putFields("corral.interception_mode", Value.newBuilder().setStringValue("REDIRECT").build());
    assertThat(NodeContext.fromNode(node.build()).intercepted()).isTrue();
    assertThat(NodeContext.fromNode(node.build()).group()).endsWith("#REDIRECT");
    Node none = Node.newBuilder().setId("web-0.shop").setMetadata(Struct.newBuilder()
        .putFields("corral.interception_mode", Value.newBuilder().setStringValue("none").build())).build();
    assertThat(NodeContext.fromNode(none).intercepted()).isFalse();
  }
}
