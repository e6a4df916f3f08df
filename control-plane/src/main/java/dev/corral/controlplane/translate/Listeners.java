package dev.corral.controlplane.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
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
import java.util.List;
import java.util.Map;

/**
 * The two listeners of a sidecar: outbound (the app's calls, routed by RDS {@code outbound}) and
 * inbound (calls to the app, straight to the local app cluster). Each holds one filter chain with
 * one HTTP connection manager, whose filters end with the router.
 */
final class Listeners {
  static final String HCM_FILTER = "envoy.filters.network.http_connection_manager";
  static final String ROUTER_FILTER = "envoy.filters.http.router";

  private Listeners() {}

  static Listener outbound(NodeContext node, List<HttpFilter> clientFilters) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix(Names.OUTBOUND)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRds(Rds.newBuilder().setRouteConfigName(Names.OUTBOUND).setConfigSource(Clusters.ads()))
        .addAllHttpFilters(clientFilters)
        .addHttpFilters(router())
        .build();
    return listener(Names.OUTBOUND, node.listenAddress(), node.outboundPort(), hcm);
  }

  static Listener inbound(NodeContext node, String appCluster, List<HttpFilter> serverFilters,
      Map<String, Any> routeFilters) {
    RouteConfiguration routes = RouteConfiguration.newBuilder()
        .setName(Names.INBOUND)
        .addVirtualHosts(VirtualHost.newBuilder().setName(Names.INBOUND).addDomains("*")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                // No timeout of its own: the caller's sidecar times the request.
                .setRoute(RouteAction.newBuilder().setCluster(appCluster)
                    .setTimeout(com.google.protobuf.Duration.getDefaultInstance()))
                .putAllTypedPerFilterConfig(routeFilters)))
        .build();
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix(Names.INBOUND)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRouteConfig(routes)
        .addAllHttpFilters(serverFilters)
        .addHttpFilters(router())
        .build();
    return listener(Names.INBOUND, node.listenAddress(), node.inboundPort(), hcm);
  }

  private static HttpFilter router() {
    return HttpFilter.newBuilder().setName(ROUTER_FILTER)
        .setTypedConfig(Any.pack(Router.getDefaultInstance())).build();
  }

  private static Listener listener(String name, String address, int port, HttpConnectionManager hcm) {
    return Listener.newBuilder()
        .setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(
            SocketAddress.newBuilder().setAddress(address).setPortValue(port)))
        .addFilterChains(FilterChain.newBuilder().addFilters(
            Filter.newBuilder().setName(HCM_FILTER).setTypedConfig(Any.pack(hcm))))
        .build();
  }
}
