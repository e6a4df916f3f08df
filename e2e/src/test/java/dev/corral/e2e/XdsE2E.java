package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import dev.corral.api.AdsBootstrap;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.RawSidecars;
import dev.corral.e2e.support.SidecarProcess;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sidecar booted with nothing but ADS config, against a real xDS server (java-control-plane's
 * {@code V3DiscoveryServer} and {@code SimpleCache}): it gets listener, routes, cluster and
 * endpoints, proxies, follows endpoint changes, NACKs a bad resource while serving the last good
 * config, and rides out a control-plane restart.
 */
class XdsE2E {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final String GROUP = "sidecar";

  private final Queue<DiscoveryRequest> requests = new ConcurrentLinkedQueue<>();
  private HttpBackend alpha;
  private HttpBackend beta;
  private int xdsPort;
  private int listenerPort;
  private SimpleCache<String> cache;
  private Server server;
  private SidecarProcess sidecar;

  @BeforeEach
  void start() throws IOException {
    alpha = new HttpBackend("alpha");
    beta = new HttpBackend("beta");
    xdsPort = Ports.free();
    listenerPort = Ports.free();
    startControlPlane();
  }

  @AfterEach
  void stop() {
    if (sidecar != null) {
      sidecar.close();
    }
    stopControlPlane();
    alpha.close();
    beta.close();
  }

  @Test
  void bootsFromAdsAloneAndFollowsEndpointChanges() throws Exception {
    cache.setSnapshot(GROUP, snapshot("1", cluster(), alpha.port()));
    sidecar = bootSidecar();

    await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get()).isEqualTo("backend alpha"));

    cache.setSnapshot(GROUP, snapshot("2", cluster(), beta.port()));
    // The user-visible promise: an endpoint change moves traffic within a second.
    await().ignoreExceptions().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(get()).isEqualTo("backend beta"));

    String dump = admin("/config_dump");
    // Proto JSON names, as for the bootstrap part of the dump.
    assertThat(dump).contains("dynamicListeners", "activeState", "dynamicActiveClusters", "dynamicRouteConfigs",
        "dynamicEndpointConfigs", "\"versionInfo\": \"2\"", "lastUpdated");
    assertThat(admin("/stats/prometheus")).contains("corral_xds_connected 1.0");
  }

  @Test
  void nacksABadClusterWithItsPathAndKeepsServing() throws Exception {
    cache.setSnapshot(GROUP, snapshot("1", cluster(), alpha.port()));
    sidecar = bootSidecar();
    await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get()).isEqualTo("backend alpha"));

    Cluster bad = cluster().toBuilder().setRespectDnsTtl(true).build();
    // Same endpoints: each type is accepted or refused on its own, and only CDS is bad here.
    cache.setSnapshot(GROUP, snapshot("2", bad, alpha.port()));

    await().ignoreExceptions().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(requests)
        .anySatisfy(r -> assertThat(r.getErrorDetail().getMessage())
            .isEqualTo("cluster \"backend\": respect_dns_ttl: not supported")));
    assertThat(get()).isEqualTo("backend alpha");
    assertThat(admin("/stats/prometheus")).contains("corral_xds_rejected_total{type=\"cds\"}");

    cache.setSnapshot(GROUP, snapshot("3", cluster(), beta.port()));
    await().ignoreExceptions().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get()).isEqualTo("backend beta"));
  }

  @Test
  void keepsServingWithoutTheControlPlaneAndResyncsWhenItReturns() throws Exception {
    cache.setSnapshot(GROUP, snapshot("1", cluster(), alpha.port()));
    sidecar = bootSidecar();
    await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get()).isEqualTo("backend alpha"));

    stopControlPlane();
    await().ignoreExceptions().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(admin("/stats/prometheus")).contains("corral_xds_connected 0.0"));
    for (int i = 0; i < 20; i++) {
      assertThat(get()).isEqualTo("backend alpha");
    }

    startControlPlane(); // a fresh control plane: new cache, new versions
    cache.setSnapshot(GROUP, snapshot("restarted-1", cluster(), beta.port()));
    await().ignoreExceptions().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(get()).isEqualTo("backend beta"));
    assertThat(admin("/stats/prometheus")).contains("corral_xds_connected 1.0");
  }

  // ---- the control plane ----

  private void startControlPlane() throws IOException {
    cache = new SimpleCache<>(node -> GROUP);
    DiscoveryServerCallbacks callbacks = new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        requests.add(request);
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId,
          io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest request) {}
    };
    V3DiscoveryServer discovery = new V3DiscoveryServer(callbacks, cache);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", xdsPort))
        .addService(discovery.getAggregatedDiscoveryServiceImpl())
        .build().start();
  }

  private void stopControlPlane() {
    if (server != null) {
      server.shutdownNow();
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }
  }

  private Snapshot snapshot(String version, Cluster cluster, int backendPort) {
    // Per-type versions, so that only what changed is re-sent.
    return Snapshot.create(List.of(cluster), version, List.of(endpoints(backendPort)), version,
        List.of(listener()), "1", List.of(routes()), "1", List.of(), "1");
  }

  private static Cluster cluster() {
    return Cluster.newBuilder().setName("backend").setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(Durations.fromSeconds(1))
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()))
        .build();
  }

  private static ClusterLoadAssignment endpoints(int port) {
    return ClusterLoadAssignment.newBuilder().setClusterName("backend")
        .addEndpoints(LocalityLbEndpoints.newBuilder().setLoadBalancingWeight(UInt32Value.of(1))
            .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
                .setAddress(address(port)))))
        .build();
  }

  private Listener listener() {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("outbound")
        .setRds(Rds.newBuilder().setRouteConfigName("outbound-routes").setConfigSource(ads()))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    return Listener.newBuilder().setName("outbound").setAddress(address(listenerPort))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm))))
        .build();
  }

  private static RouteConfiguration routes() {
    return RouteConfiguration.newBuilder().setName("outbound-routes")
        .addVirtualHosts(VirtualHost.newBuilder().setName("all").addDomains("*")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster("backend"))))
        .build();
  }

  private static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(io.envoyproxy.envoy.config.core.v3.ApiVersion.V3).build();
  }

  private static Address address(int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
        .setAddress("127.0.0.1").setPortValue(port)).build();
  }

  // ---- the sidecar ----

  private int adminPort;

  private SidecarProcess bootSidecar() {
    adminPort = Ports.free();
    String yaml = AdsBootstrap.node("sidecar-1.default", "e2e").admin("127.0.0.1", adminPort)
        .xds("127.0.0.1", xdsPort).yaml();
    return RawSidecars.start(yaml, adminPort, listenerPort, "--concurrency", "2");
  }

  private String get() throws IOException, InterruptedException {
    HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + listenerPort + "/hello")).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body().strip();
  }

  private String admin(String path) throws IOException, InterruptedException {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
