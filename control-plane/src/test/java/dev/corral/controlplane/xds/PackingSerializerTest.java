package dev.corral.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackingSerializerTest {
  private final PackingSerializer serializer = new PackingSerializer();

  private static VirtualHost host(String name) {
    return VirtualHost.newBuilder().setName(name).addDomains(name).addDomains(name + ":8080")
        .addRoutes(TestResources.route("r", name).getVirtualHosts(0).getRoutes(0)).build();
  }

  @Test
  void aRouteTablePackedFromItsHostsParsesToTheSameTable() throws Exception {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName("outbound")
        .addVirtualHosts(host("a")).addVirtualHosts(host("b")).addVirtualHosts(host("c"))
        .setValidateClusters(BoolValue.of(false)).addInternalOnlyHeaders("x-internal")
        .build();

    Any any = serializer.serialize(rc, ApiVersion.V3);

    assertThat(any.getTypeUrl()).isEqualTo(Any.pack(rc).getTypeUrl());
    assertThat(any.unpack(RouteConfiguration.class)).isEqualTo(rc);
    assertThat(any.getValue().size()).isEqualTo(rc.getSerializedSize());
  }

  @Test
  void aTableWithoutHostsAndOtherTypesArePackedAsAnyPack() {
    RouteConfiguration empty = RouteConfiguration.newBuilder().setName("empty").build();
    Cluster cluster = TestResources.edsCluster("a", 1);

    assertThat(serializer.serialize(empty, ApiVersion.V3)).isEqualTo(Any.pack(empty));
    assertThat(serializer.serialize(cluster, ApiVersion.V3)).isEqualTo(Any.pack(cluster));
  }

  @Test
  void theSameInstancesInAnotherCollectionGetTheSamePackedList() {
    List<Message> clusters = List.of(TestResources.edsCluster("a", 1),
        TestResources.edsCluster("b", 1), TestResources.edsCluster("c", 1));

    Collection<Any> first = serializer.serialize(clusters, ApiVersion.V3);
    Collection<Any> again = serializer.serialize(new ArrayList<>(clusters), ApiVersion.V3);

    assertThat(again).isSameAs(first);
    assertThat(first).containsExactly(clusters.stream().map(Any::pack).toArray(Any[]::new));
  }

  @Test
  void aChangedInstanceInTheMiddleIsPackedAndTheOthersReused() throws Exception {
    Cluster a = TestResources.edsCluster("a", 1);
    Cluster c = TestResources.edsCluster("c", 1);
    List<Any> before = List.copyOf(serializer.serialize(
        List.of(a, TestResources.edsCluster("b", 1), c), ApiVersion.V3));

    Cluster changed = TestResources.edsCluster("b", 7);
    List<Any> after = List.copyOf(serializer.serialize(List.of(a, changed, c), ApiVersion.V3));

    assertThat(after.get(0)).isSameAs(before.get(0));
    assertThat(after.get(2)).isSameAs(before.get(2));
    assertThat(after.get(1).unpack(Cluster.class)).isEqualTo(changed);
  }

  @Test
  void packedAnysAreWrittenAsAnyPackWritesThem() {
    Cluster cluster = TestResources.edsCluster("a", 1);
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName("outbound")
        .addVirtualHosts(host("a")).addVirtualHosts(host("b")).build();

    // The type URL is held as bytes; on the wire nothing differs.
    assertThat(serializer.serialize(cluster, ApiVersion.V3).toByteString()).isEqualTo(Any.pack(cluster).toByteString());
    assertThat(serializer.serialize(rc, ApiVersion.V3).toByteString()).isEqualTo(Any.pack(rc).toByteString());
  }

  @Test
  void aListUnusedForTwoSweepsIsPackedAgainWithTheSameContent() {
    List<Message> clusters = List.of(TestResources.edsCluster("a", 1), TestResources.edsCluster("b", 1));
    Collection<Any> first = serializer.serialize(clusters, ApiVersion.V3);

    serializer.sweep();
    serializer.sweep();
    Collection<Any> again = serializer.serialize(clusters, ApiVersion.V3);

    assertThat(again).isNotSameAs(first).containsExactlyElementsOf(first);
  }

  @Test
  void anEmptyCollectionIsAnEmptyList() {
    assertThat(serializer.serialize(List.of(), ApiVersion.V3)).isEmpty();
  }
}
