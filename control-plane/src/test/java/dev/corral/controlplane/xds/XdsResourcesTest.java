package dev.corral.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.util.List;
import org.junit.jupiter.api.Test;

class XdsResourcesTest {

  @Test
  void aConsistentSetHasNoProblems() {
    assertThat(TestResources.mesh(1).consistencyProblems()).isEmpty();
    assertThat(XdsResources.empty().consistencyProblems()).isEmpty();
  }

  @Test
  void namesEveryDanglingReferenceWithItsPath() {
    XdsResources good = TestResources.mesh(1);
    XdsResources broken = new XdsResources(
        List.of(good.clusters().get(0)),
        List.of(),
        good.listeners(),
        List.of(RouteConfiguration.newBuilder().setName("other").addVirtualHosts(
            VirtualHost.newBuilder().setName("vh").addDomains("*").addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
                    .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("a"))
                    .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("gone"))))))
            .build()));

    assertThat(broken.consistencyProblems()).containsExactlyInAnyOrder(
        "clusters[0] (a): EDS cluster has no ClusterLoadAssignment named a",
        "listeners[0] (outbound).filter_chains[0].filters[0].rds.route_config_name: "
            + "no RouteConfiguration named web",
        "routes[0] (other).virtual_hosts[0].routes[0].route.weighted_clusters.clusters[1].name: "
            + "no Cluster named gone");
  }

  @Test
  void refusesDuplicateNames() {
    XdsResources dup = new XdsResources(
        List.of(TestResources.edsCluster("a", 1), TestResources.edsCluster("a", 2)),
        List.of(TestResources.endpoints("a", 1)), List.of(), List.of());

    assertThat(dup.consistencyProblems()).containsExactly("clusters[1]: duplicate name a");
  }
}
