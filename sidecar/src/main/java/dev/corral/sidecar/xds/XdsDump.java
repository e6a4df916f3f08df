package dev.corral.sidecar.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import java.util.List;
import java.util.Map;

/**
 * The dynamic part of /config_dump, in Envoy's shapes: {@code dynamic_active_listeners},
 * {@code dynamic_active_clusters} (an EDS cluster without an assignment yet is listed under
 * {@code dynamic_warming_clusters}), {@code dynamic_route_configs} and
 * {@code dynamic_endpoint_configs}, each with its {@code version_info} and {@code last_updated}.
 */
public record XdsDump(ListenersConfigDump listeners, ClustersConfigDump clusters, RoutesConfigDump routes,
    EndpointsConfigDump endpoints) {

  /** The four dumps packed for {@code ConfigDump.configs}, in Envoy's order. */
  public List<Any> packed() {
    return List.of(Any.pack(clusters), Any.pack(endpoints), Any.pack(listeners), Any.pack(routes));
  }

  static XdsDump of(XdsState state, Map<String, String> versions) {
    ListenersConfigDump.Builder listeners = ListenersConfigDump.newBuilder()
        .setVersionInfo(versions.get(XdsState.LDS));
    state.listeners().forEach((name, a) -> listeners.addDynamicListeners(
        ListenersConfigDump.DynamicListener.newBuilder().setName(name)
            .setActiveState(ListenersConfigDump.DynamicListenerState.newBuilder()
                .setVersionInfo(a.version()).setListener(Any.pack(a.resource()))
                .setLastUpdated(a.lastUpdatedProto()))));
    ClustersConfigDump.Builder clusters = ClustersConfigDump.newBuilder()
        .setVersionInfo(versions.get(XdsState.CDS));
    state.clusters().forEach((name, a) -> {
      ClustersConfigDump.DynamicCluster dynamic = ClustersConfigDump.DynamicCluster.newBuilder()
          .setVersionInfo(a.version()).setCluster(Any.pack(a.resource()))
          .setLastUpdated(a.lastUpdatedProto()).build();
      boolean warming = XdsState.isEds(a.resource())
          && !state.endpoints().containsKey(XdsState.edsName(a.resource()));
      if (warming) {
        clusters.addDynamicWarmingClusters(dynamic);
      } else {
        clusters.addDynamicActiveClusters(dynamic);
      }
    });
    RoutesConfigDump.Builder routes = RoutesConfigDump.newBuilder();
    state.routes().forEach((name, a) -> routes.addDynamicRouteConfigs(
        RoutesConfigDump.DynamicRouteConfig.newBuilder().setVersionInfo(a.version())
            .setRouteConfig(Any.pack(a.resource())).setLastUpdated(a.lastUpdatedProto())));
    EndpointsConfigDump.Builder endpoints = EndpointsConfigDump.newBuilder();
    state.endpoints().forEach((name, a) -> endpoints.addDynamicEndpointConfigs(
        EndpointsConfigDump.DynamicEndpointConfig.newBuilder().setVersionInfo(a.version())
            .setEndpointConfig(Any.pack(a.resource())).setLastUpdated(a.lastUpdatedProto())));
    return new XdsDump(listeners.build(), clusters.build(), routes.build(), endpoints.build());
  }

}
