package dev.corral.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

class AdsBootstrapTest {
  @Test
  void namesTheNodeItsMetadataTheAdminAndTheControlPlane() throws Exception {
    String yaml = AdsBootstrap.node("images-0.shop", "images.shop.svc.cluster.local")
        .metadata("workload", "images").metadata("corral.app_port", 8080)
        .admin("127.0.0.1", 15000).xds("10.0.0.1", 15010).yaml();
    JsonNode b = new ObjectMapper(new YAMLFactory()).readTree(yaml);

    assertThat(b.at("/node/id").asText()).isEqualTo("images-0.shop");
    assertThat(b.at("/node/cluster").asText()).isEqualTo("images.shop.svc.cluster.local");
    assertThat(b.at("/node/metadata/workload").asText()).isEqualTo("images");
    assertThat(b.at("/node/metadata/corral.app_port").asInt()).isEqualTo(8080);
    assertThat(b.at("/admin/address/socket_address/port_value").asInt()).isEqualTo(15000);
    JsonNode xds = b.at("/static_resources/clusters/0/load_assignment/endpoints/0/lb_endpoints/0/endpoint/address/socket_address");
    assertThat(xds.get("address").asText()).isEqualTo("10.0.0.1");
    assertThat(xds.get("port_value").asInt()).isEqualTo(15010);
    assertThat(b.at("/dynamic_resources/ads_config/grpc_services/0/envoy_grpc/cluster_name").asText()).isEqualTo("xds");
  }

  @Test
  void quotesWhatYamlWouldOtherwiseReadAsSomethingElse() throws Exception {
    String yaml = AdsBootstrap.node("$(CORRAL_POD_NAME).shop", "x").metadata("version", "1.10")
        .metadata("note", "a: b # c").admin("::1", 15000).xds("fd00::10", 15010).xdsCluster("corral-xds").yaml();
    JsonNode b = new ObjectMapper(new YAMLFactory()).readTree(yaml);

    assertThat(b.at("/node/id").asText()).isEqualTo("$(CORRAL_POD_NAME).shop");
    assertThat(b.at("/node/metadata/version").isTextual()).isTrue();
    assertThat(b.at("/node/metadata/version").asText()).isEqualTo("1.10");
    assertThat(b.at("/node/metadata/note").asText()).isEqualTo("a: b # c");
    assertThat(b.at("/admin/address/socket_address/address").asText()).isEqualTo("::1");
    assertThat(b.at("/static_resources/clusters/0/load_assignment/endpoints/0/lb_endpoints/0/endpoint/address"
        + "/socket_address/address").asText()).isEqualTo("fd00::10");
    assertThat(b.at("/dynamic_resources/ads_config/grpc_services/0/envoy_grpc/cluster_name").asText())
        .isEqualTo("corral-xds");
  }

  @Test
  void leavesOutAnEmptyMetadataBlock() throws Exception {
    JsonNode b = new ObjectMapper(new YAMLFactory()).readTree(
        AdsBootstrap.node("a.b", "e2e").admin("127.0.0.1", 1).xds("127.0.0.1", 2).yaml());
    assertThat(b.at("/node").has("metadata")).isFalse();
  }
}
