package dev.corral.sidecar.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class XdsStateTest {
  private final List<String> applied = new ArrayList<>();
  private final XdsState state = new XdsState(new Recorder(), Set.of("xds"), () -> Instant.EPOCH);

  @Test
  void diffSeparatesAddedChangedAndRemoved() {
    ResourceDiff<String> diff = ResourceDiff.of(Map.of("a", "1", "b", "1", "c", "1"),
        Map.of("a", "1", "b", "2", "d", "1"), true);

    assertThat(diff.added()).containsOnlyKeys("d");
    assertThat(diff.changed()).containsOnlyKeys("b");
    assertThat(diff.removed()).containsExactly("c");
    assertThat(ResourceDiff.of(Map.of("a", "1"), Map.of(), false).isEmpty()).isTrue();
  }

  @Test
  void appliesOnlyWhatChangedAndRemovesWhatIsMissing() {
    assertThat(state.apply(XdsState.CDS, List.of(pack(eds("a")), pack(eds("b"))), "1")).isNull();
    assertThat(state.apply(XdsState.CDS, List.of(pack(eds("a")), pack(eds("b").toBuilder()
        .setConnectTimeout(Durations.fromSeconds(3)).build())), "2")).isNull();
    assertThat(state.apply(XdsState.CDS, List.of(pack(eds("b").toBuilder()
        .setConnectTimeout(Durations.fromSeconds(3)).build())), "3")).isNull();

    assertThat(applied).containsExactly("putCluster a", "putCluster b", "putCluster b", "removeCluster a");
    assertThat(state.clusters().get("b").version()).isEqualTo("2");
    assertThat(state.edsNames()).containsExactly("b");
  }

  @Test
  void rejectsTheWholeResponseWithThePathAndChangesNothing() {
    state.apply(XdsState.CDS, List.of(pack(eds("a"))), "1");
    applied.clear();

    String error = state.apply(XdsState.CDS, List.of(pack(eds("a").toBuilder()
        .setConnectTimeout(Durations.fromSeconds(9)).build()), pack(eds("b").toBuilder()
        .setRespectDnsTtl(true).build())), "2");

    assertThat(error).isEqualTo("cluster \"b\": respect_dns_ttl: not supported");
    assertThat(applied).isEmpty();
    assertThat(state.clusters().get("a").version()).isEqualTo("1");
  }

  @Test
  void acceptsEnvoysStateIntervalsAndNacksABadOneNamingIt() {
    HealthCheck.Builder check = HealthCheck.newBuilder()
        .setTimeout(Durations.fromSeconds(1))
        .setInterval(Durations.fromSeconds(5))
        .setUnhealthyInterval(Durations.fromSeconds(30))
        .setUnhealthyEdgeInterval(Durations.fromSeconds(2))
        .setHealthyEdgeInterval(Durations.fromSeconds(3))
        .setNoTrafficHealthyInterval(Durations.fromSeconds(120))
        .setUnhealthyThreshold(UInt32Value.of(3))
        .setHealthyThreshold(UInt32Value.of(2))
        .setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz"));

    assertThat(state.apply(XdsState.CDS,
        List.of(pack(eds("a").toBuilder().addHealthChecks(check).build())), "1")).isNull();
    assertThat(state.apply(XdsState.CDS, List.of(pack(eds("a").toBuilder()
            .addHealthChecks(check.setHealthyEdgeInterval(Durations.fromSeconds(0))).build())), "2"))
        .isEqualTo("cluster \"a\": health_checks[0].healthy_edge_interval: 0s (expected: > 0)");
    assertThat(state.clusters().get("a").version()).isEqualTo("1");
  }

  @Test
  void refusesToReplaceAStaticCluster() {
    assertThat(state.apply(XdsState.CDS, List.of(pack(eds("xds"))), "1"))
        .isEqualTo("cluster \"xds\": name: \"xds\" is a static cluster of the bootstrap");
  }

  @Test
  void appliesEndpointsOnlyForSubscribedClustersAndSeedsAReplacedCluster() {
    state.apply(XdsState.CDS, List.of(pack(eds("a"))), "1");
    state.apply(XdsState.EDS, List.of(pack(cla("a")), pack(cla("unknown"))), "1");
    state.apply(XdsState.EDS, List.of(pack(cla("a"))), "2"); // unchanged: nothing to do
    state.apply(XdsState.CDS, List.of(pack(eds("a").toBuilder().setConnectTimeout(Durations.fromSeconds(2)).build())),
        "2");

    assertThat(applied).containsExactly("putCluster a", "setEndpoints a", "putCluster a +endpoints");
  }

  @Test
  void subscribesToTheRoutesListenersNameAndAppliesThem() {
    assertThat(state.apply(XdsState.LDS, List.of(pack(listener("l", "r1"))), "1")).isNull();
    assertThat(state.routeNames()).containsExactly("r1");
    state.apply(XdsState.RDS, List.of(pack(RouteConfiguration.newBuilder().setName("r1").build()),
        pack(RouteConfiguration.newBuilder().setName("r2").build())), "1");

    assertThat(applied).containsExactly("putListener l", "setRoutes l r1");
  }

  private static Cluster eds(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads())).build();
  }

  private static ClusterLoadAssignment cla(String name) {
    return ClusterLoadAssignment.newBuilder().setClusterName(name).build();
  }

  private static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();
  }

  private static Listener listener(String name, String routes) {
    var hcm = io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
        .newBuilder().setStatPrefix(name)
        .setRds(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds.newBuilder()
            .setRouteConfigName(routes).setConfigSource(ads()))
        .addHttpFilters(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter
            .newBuilder().setName("envoy.filters.http.router"))
        .build();
    return Listener.newBuilder().setName(name)
        .setAddress(io.envoyproxy.envoy.config.core.v3.Address.newBuilder().setSocketAddress(
            io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(0)))
        .addFilterChains(io.envoyproxy.envoy.config.listener.v3.FilterChain.newBuilder().addFilters(
            io.envoyproxy.envoy.config.listener.v3.Filter.newBuilder()
                .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm))))
        .build();
  }

  private static Any pack(com.google.protobuf.Message m) {
    return Any.pack(m);
  }

  private final class Recorder implements XdsTarget {
    @Override
    public void putCluster(Cluster cluster, @Nullable ClusterLoadAssignment endpoints) {
      applied.add("putCluster " + cluster.getName() + (endpoints != null ? " +endpoints" : ""));
    }

    @Override
    public void removeCluster(String name) {
      applied.add("removeCluster " + name);
    }

    @Override
    public void setEndpoints(String clusterName, ClusterLoadAssignment endpoints) {
      applied.add("setEndpoints " + clusterName);
    }

    @Override
    public void putListener(Listener listener, @Nullable RouteConfiguration routes) {
      applied.add("putListener " + listener.getName());
    }

    @Override
    public void removeListener(String name) {
      applied.add("removeListener " + name);
    }

    @Override
    public void setRoutes(String listenerName, RouteConfiguration routes) {
      applied.add("setRoutes " + listenerName + " " + routes.getName());
    }
  }
}
