package dev.corral.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.Node;
import org.junit.jupiter.api.Test;

class NodeGroupTest {
  private final NodeGroup grouping = NodeGroup.namespaceAndWorkload();

  @Test
  void groupsByNamespaceFromTheNodeIdAndTheWorkloadMetadata() {
    assertThat(grouping.groupOf(FakeSidecar.node("web-7d9f-abc.shop", "web"))).isEqualTo("shop/web");
  }

  @Test
  void takesTheNamespaceAfterTheLastDotBecausePodNamesMayHaveDots() {
    assertThat(grouping.groupOf(FakeSidecar.node("web.v2.shop", "web"))).isEqualTo("shop/web");
  }

  @Test
  void leavesMissingPartsEmpty() {
    assertThat(grouping.groupOf(Node.newBuilder().setId("lonely").build())).isEqualTo("/");
    assertThat(grouping.groupOf(Node.getDefaultInstance())).isEqualTo("/");
  }
}
