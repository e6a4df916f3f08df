package dev.corral.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.corral.api.proto.CacheStore;
import dev.corral.api.proto.CollapseConfig;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.xds.XdsResources;
import dev.corral.controlplane.xds.XdsType;
import dev.corral.sidecar.cache.CacheConfig;
import dev.corral.sidecar.collapse.CollapseSettings;
import dev.corral.sidecar.collapse.RangeSettings;
import dev.corral.sidecar.filter.ListenerFilters;
import dev.corral.sidecar.filter.RouteFilters;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Cache and collapse filters by placement, on the mesh of {@code translate/placement}: images has
 * a Client CachePolicy and a Server CollapsePolicy, docs a Client CollapsePolicy, web nothing.
 */
class PlacementFiltersTest {
  static final Path PLACEMENT = Path.of("src/test/resources/translate/placement");
  static final NodeContext WEB = new NodeContext("web-0", "shop", "web", "127.0.0.1", 16001, 16006,
      OptionalInt.of(18080));
  static final NodeContext IMAGES = new NodeContext("images-0", "shop", "images", "127.0.0.1", 17001, 17006,
      OptionalInt.of(18081));
  static final NodeContext DOCS = new NodeContext("docs-0", "shop", "docs", "127.0.0.1", 17101, 17106,
      OptionalInt.of(18082));
  private static final String CACHE = ListenerFilters.CACHE;
  private static final String COLLAPSE = ListenerFilters.COLLAPSE;
  private static final String ROUTER = ListenerFilters.ROUTER;

  private final MeshModel model = TranslatorGoldenTest.load(PLACEMENT);
  private final XdsResources web = Translator.translate(model, WEB);

  @Test
  void clientPlacementPutsTheFiltersInEveryOutboundListenerInOrder() {
    assertThat(filterNames(listener(web, Names.OUTBOUND))).containsExactly(CACHE, COLLAPSE, ROUTER);
    // The callee's own outbound listener too: Client placement is in every caller.
    assertThat(filterNames(listener(Translator.translate(model, IMAGES), Names.OUTBOUND)))
        .containsExactly(CACHE, COLLAPSE, ROUTER);
  }

  @Test
  void clientRoutesCarryThePolicyOrADisabledFilterConfig() throws Exception {
    Map<String, Any> images = route(web, "images").getTypedPerFilterConfigMap();
    CacheStore store = images.get(CACHE)
        .unpack(io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig.class)
        .getTypedConfig().unpack(CacheStore.class);
    assertThat(store.getMaxSize()).isEqualTo(32L << 20);
    assertThat(store.getMaxObjectSize()).isEqualTo(2L << 20);
    assertThat(store.getDefaultTtl().getSeconds()).isEqualTo(30);
    assertThat(store.getStaleIfError().getSeconds()).isEqualTo(300);
    assertThat(store.getKeyHeadersList()).containsExactly("accept");
    assertThat(store.getShareAcrossCredentials()).isTrue();
    assertThat(store.hasInvalidateOnUnsafeMethods()).isTrue();
    assertThat(store.getInvalidateOnUnsafeMethods().getValue()).isFalse();
    assertThat(disabled(images.get(COLLAPSE))).as("images collapses on the Server side only").isTrue();

    Map<String, Any> docs = route(web, "docs").getTypedPerFilterConfigMap();
    assertThat(disabled(docs.get(CACHE))).isTrue();
    assertThat(docs.get(COLLAPSE).unpack(CollapseConfig.class).getMaxWait().getSeconds()).isEqualTo(1);

    Map<String, Any> self = route(web, "web").getTypedPerFilterConfigMap();
    assertThat(self.keySet()).containsExactlyInAnyOrder(CACHE, COLLAPSE);
    assertThat(disabled(self.get(CACHE))).isTrue();
    assertThat(disabled(self.get(COLLAPSE))).isTrue();
  }

  @Test
  void serverPlacementGoesOnlyInTheTargetPodsInboundListener() throws Exception {
    XdsResources images = Translator.translate(model, IMAGES);
    Listener inbound = listener(images, Names.INBOUND);
    assertThat(filterNames(inbound)).containsExactly(COLLAPSE, ROUTER);
    Route route = hcm(inbound).getRouteConfig().getVirtualHosts(0).getRoutes(0);
    assertThat(route.getTypedPerFilterConfigMap()).containsOnlyKeys(COLLAPSE);
    CollapseConfig c = route.getTypedPerFilterConfigMap().get(COLLAPSE).unpack(CollapseConfig.class);
    assertThat(c.getMethodsList()).containsExactly("GET");
    assertThat(c.getMaxWait().getSeconds()).isEqualTo(2);
    assertThat(c.getMaxBufferedBytes()).isEqualTo(4L << 20);
    assertThat(c.getRanges().getEnabled()).isTrue();
    assertThat(c.getRanges().getBlockSize()).isEqualTo(32L << 10);
    assertThat(c.getRanges().getMaxBlocksPerFetch()).isEqualTo(8);

    // web has no policy; docs' CollapsePolicy is Client placement: router only.
    for (NodeContext other : List.of(WEB, DOCS)) {
      Listener l = listener(Translator.translate(model, other), Names.INBOUND);
      assertThat(filterNames(l)).as(other.pod()).containsExactly(ROUTER);
      assertThat(hcm(l).getRouteConfig().getVirtualHosts(0).getRoutes(0).getTypedPerFilterConfigMap())
          .as(other.pod()).isEmpty();
    }
  }

  @Test
  void theSidecarReadsThePolicySettings() {
    XdsResources images = Translator.translate(model, IMAGES);
    Route cached = route(web, "images");
    RouteFilters rf = ListenerFilters.routeFilters(cached.getTypedPerFilterConfigMap(), "route");
    CacheConfig cache = rf.cache().config();
    assertThat(cache.maxSize()).isEqualTo(32L << 20);
    assertThat(cache.defaultTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(cache.invalidateOnUnsafeMethods()).isFalse();
    assertThat(rf.collapse().disabled()).isTrue();

    Route inbound = hcm(listener(images, Names.INBOUND)).getRouteConfig().getVirtualHosts(0).getRoutes(0);
    CollapseSettings collapse = ListenerFilters.routeFilters(inbound.getTypedPerFilterConfigMap(), "route")
        .collapse().config();
    assertThat(collapse.methods()).isEqualTo(Set.of("GET"));
    assertThat(collapse.maxWait()).isEqualTo(Duration.ofSeconds(2));
    assertThat(collapse.ranges()).isEqualTo(new RangeSettings(true, 32 * 1024, 8));
    assertThat(ListenerFilters.compile(hcm(listener(images, Names.INBOUND)), "hcm").collapse()).isNotNull();
  }

  @Test
  void withoutCacheOrCollapsePoliciesOnlyTheRouter() {
    MeshModel balanceOnly = TranslatorGoldenTest.load(TranslatorGoldenTest.POLICIES);
    XdsResources r = Translator.translate(balanceOnly, TranslatorGoldenTest.CATALOG);
    for (Listener l : r.listeners()) {
      assertThat(filterNames(l)).as(l.getName()).containsExactly(ROUTER);
    }
    r.routes().get(0).getVirtualHostsList().forEach(vh -> vh.getRoutesList()
        .forEach(rt -> assertThat(rt.getTypedPerFilterConfigMap()).as(vh.getName()).isEmpty()));
  }

  @Test
  void noneLeavesOnlyTheRouter() {
    XdsResources r = Translator.translate(model, IMAGES, PlacementFilters.none());
    for (Listener l : r.listeners()) {
      assertThat(filterNames(l)).as(l.getName()).containsExactly(ROUTER);
    }
    assertThat(route(r, "images").getTypedPerFilterConfigMap()).isEmpty();
  }

  @Test
  void policyIndexNamesThePoliciesBehindTheListenersAndRoutes() {
    PolicyIndex index = PolicyIndex.of(model);
    assertThat(index.policiesOf(XdsType.LDS, Names.OUTBOUND))
        .containsExactlyInAnyOrder("shop/CachePolicy/images", "shop/CollapsePolicy/docs");
    assertThat(index.policiesOf(XdsType.RDS, Names.OUTBOUND))
        .containsExactlyInAnyOrder("shop/CachePolicy/images", "shop/CollapsePolicy/docs");
    assertThat(index.policiesOf(XdsType.LDS, Names.INBOUND)).containsExactly("shop/CollapsePolicy/images");
  }

  static Listener listener(XdsResources r, String name) {
    return r.listeners().stream().filter(l -> l.getName().equals(name)).findFirst().orElseThrow();
  }

  static HttpConnectionManager hcm(Listener l) {
    try {
      return l.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> filterNames(Listener l) {
    return hcm(l).getHttpFiltersList().stream().map(HttpFilter::getName).toList();
  }

  private static Route route(XdsResources r, String service) {
    return r.routes().get(0).getVirtualHostsList().stream()
        .filter(v -> v.getName().equals(service + ".shop.svc.cluster.local:8080"))
        .findFirst().orElseThrow().getRoutes(0);
  }

  private static boolean disabled(Any any) throws InvalidProtocolBufferException {
    return any.is(FilterConfig.class) && any.unpack(FilterConfig.class).getDisabled();
  }
}
