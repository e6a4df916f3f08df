package dev.corral.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Type versions as content hashes, built from shared instances (route tables from their hosts). */
class SnapshotPublisherTest {
  private final SnapshotPublisher publisher =
      SnapshotPublisher.builder().coalesceWindow(Duration.ZERO).build();

  @AfterEach
  void close() {
    publisher.close();
  }

  private Map<XdsType, String> publish(String group, XdsResources resources) {
    long seq = publisher.lastSequence() + 1;
    assertThat(publisher.publish(group, resources).accepted()).isTrue();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> publisher.servedSequence(group).orElse(0) >= seq);
    return publisher.versions(group).orElseThrow().versions();
  }

  private static XdsResources withRoutes(RouteConfiguration routes) {
    XdsResources mesh = TestResources.mesh(1);
    return new XdsResources(mesh.clusters(), mesh.endpoints(), mesh.listeners(), List.of(routes));
  }

  private static RouteConfiguration web(VirtualHost... hosts) {
    return RouteConfiguration.newBuilder().setName("web").addAllVirtualHosts(List.of(hosts)).build();
  }

  private static VirtualHost host(String name, String cluster) {
    return TestResources.route(name, cluster).getVirtualHosts(0);
  }

  @Test
  void equalContentInOtherInstancesHasTheSameVersions() {
    Map<XdsType, String> a = publish("g1", withRoutes(web(host("a", "a"), host("b", "b"))));
    Map<XdsType, String> b = publish("g2", withRoutes(web(host("a", "a"), host("b", "b"))));

    assertThat(b).isEqualTo(a);
  }

  @Test
  void aChangedHostOrTableFieldChangesOnlyTheRdsVersion() {
    VirtualHost a = host("a", "a");
    Map<XdsType, String> before = publish("g", withRoutes(web(a, host("b", "b"))));

    Map<XdsType, String> hostChanged = publish("g", withRoutes(web(a, host("b", "a"))));
    Map<XdsType, String> fieldChanged = publish("g", withRoutes(web(a, host("b", "a")).toBuilder()
        .addInternalOnlyHeaders("x-internal").build()));
    Map<XdsType, String> reordered = publish("g", withRoutes(web(host("b", "a"), a)));

    assertThat(hostChanged.get(XdsType.RDS)).isNotEqualTo(before.get(XdsType.RDS));
    assertThat(fieldChanged.get(XdsType.RDS)).isNotIn(before.get(XdsType.RDS), hostChanged.get(XdsType.RDS));
    // Host order matters to Envoy only for equal domains, but the table is different content.
    assertThat(reordered.get(XdsType.RDS)).isNotEqualTo(hostChanged.get(XdsType.RDS));
    for (XdsType t : List.of(XdsType.CDS, XdsType.EDS, XdsType.LDS)) {
      assertThat(hostChanged.get(t)).as(t.name()).isEqualTo(before.get(t));
    }
  }
}
