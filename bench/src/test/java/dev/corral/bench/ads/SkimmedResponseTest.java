package dev.corral.bench.ads;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.CodedInputStream;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class SkimmedResponseTest {
  private static Cluster eds(String name, String serviceName) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName(serviceName)
            .setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
        .build();
  }

  private static DiscoveryResponse cds() {
    return DiscoveryResponse.newBuilder().setVersionInfo("v7").setTypeUrl(SimClient.CDS).setNonce("3")
        .addResources(Any.pack(eds("b", "")))
        .addResources(Any.pack(eds("a", "svc-a")))
        .addResources(Any.pack(Cluster.newBuilder().setName("static").setType(Cluster.DiscoveryType.STATIC).build()))
        .build();
  }

  private static SkimmedResponse parse(DiscoveryResponse r, boolean wantNames) throws Exception {
    return SkimmedResponse.parse(CodedInputStream.newInstance(r.toByteString().newInput(), 16), t -> wantNames);
  }

  @Test
  void readsWhatAnAckNeedsAndSkipsTheResources() throws Exception {
    SkimmedResponse r = parse(cds(), false);

    assertThat(r.versionInfo()).isEqualTo("v7");
    assertThat(r.typeUrl()).isEqualTo(SimClient.CDS);
    assertThat(r.nonce()).isEqualTo("3");
    assertThat(r.resourceCount()).isEqualTo(3);
    assertThat(r.impliedNames()).isNull();
  }

  @Test
  void learnsTheEdsNamesOfACdsResponseWhenAsked() throws Exception {
    SkimmedResponse r = parse(cds(), true);

    assertThat(r.impliedNames()).containsExactly("b", "svc-a");
    assertThat(r.resourceCount()).isEqualTo(3);
  }

  @Test
  void learnsTheRouteTablesOfAnLdsResponseWhenAsked() throws Exception {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName("outbound")).build();
    Listener l = Listener.newBuilder().setName("out").addFilterChains(FilterChain.newBuilder()
        .addFilters(Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(hcm)))).build();
    DiscoveryResponse lds = DiscoveryResponse.newBuilder().setVersionInfo("1").setTypeUrl(SimClient.LDS)
        .setNonce("0").addAllResources(List.of(Any.pack(l))).build();

    assertThat(parse(lds, true).impliedNames()).containsExactly("outbound");
  }
}
