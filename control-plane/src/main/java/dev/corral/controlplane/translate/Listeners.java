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
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The two listeners of a sidecar: outbound (the app's calls, routed by RDS {@code outbound}) and
 * inbound (calls to the app, straight to the local app cluster). Without interception each holds
 * one filter chain with one HTTP connection manager, whose filters end with the router.
 *
 * <p>With interception (iptables REDIRECT) both read the original destination
 * ({@value #ORIGINAL_DST_FILTER}). Outbound, the HTTP inspector sends HTTP to the connection
 * manager and anything else, as raw TCP, to {@link Names#PASSTHROUGH}; inbound, the app port's
 * connections go to the connection manager and other ports of the pod to
 * {@link Names#INBOUND_PASSTHROUGH}. This is how Istio's sidecar listeners are built.
 */
final class Listeners {
  static final String HCM_FILTER = "envoy.filters.network.http_connection_manager";
  static final String ROUTER_FILTER = "envoy.filters.http.router";
  static final String TCP_PROXY_FILTER = "envoy.filters.network.tcp_proxy";
  static final String ORIGINAL_DST_FILTER = "envoy.filters.listener.original_dst";
  static final String HTTP_INSPECTOR_FILTER = "envoy.filters.listener.http_inspector";
  /** What the HTTP inspector reports for HTTP. */
  static final List<String> HTTP_PROTOCOLS = List.of("http/1.0", "http/1.1", "h2c");
  /**
   * How long the outbound listener waits for a client's first bytes before it treats the
   * connection as not HTTP (server-first protocols such as MySQL or SMTP send nothing first).
   */
  static final Duration INSPECT_TIMEOUT = Duration.ofSeconds(1);

  private Listeners() {}

  static Listener outbound(NodeContext node, List<HttpFilter> clientFilters) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix(Names.OUTBOUND)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRds(Rds.newBuilder().setRouteConfigName(Names.OUTBOUND).setConfigSource(Clusters.ads()))
        .addAllHttpFilters(clientFilters)
        .addHttpFilters(router())
        .build();
    Listener plain = listener(Names.OUTBOUND, node.listenAddress(), node.outboundPort(), hcm);
    if (!node.intercepted()) {
      return plain;
    }
    return plain.toBuilder()
        .addListenerFilters(listenerFilter(ORIGINAL_DST_FILTER, OriginalDst.getDefaultInstance()))
        .addListenerFilters(listenerFilter(HTTP_INSPECTOR_FILTER, HttpInspector.getDefaultInstance()))
        .setListenerFiltersTimeout(Protos.toProto(INSPECT_TIMEOUT))
        .setContinueOnListenerFiltersTimeout(true)
        .setFilterChains(0, plain.getFilterChains(0).toBuilder().setName("http")
            .setFilterChainMatch(FilterChainMatch.newBuilder().addAllApplicationProtocols(HTTP_PROTOCOLS)))
        .setDefaultFilterChain(tcpProxy("passthrough", Names.PASSTHROUGH))
        .build();
  }

  /**
   * With interception: the inbound listener. Connections to {@code appPort} (when known) go to
   * the connection manager of {@link #inbound}; those to other ports of the pod pass through to
   * where they were sent ({@link Names#INBOUND_PASSTHROUGH}), so nothing the pod served before
   * breaks.
   */
  static Listener interceptedInbound(NodeContext node, OptionalInt appPort, String appCluster,
      List<HttpFilter> serverFilters, Map<String, Any> routeFilters) {
    Listener.Builder l = Listener.newBuilder()
        .setName(Names.INBOUND)
        .setAddress(Address.newBuilder().setSocketAddress(
            SocketAddress.newBuilder().setAddress(node.listenAddress()).setPortValue(node.inboundPort())))
        .addListenerFilters(listenerFilter(ORIGINAL_DST_FILTER, OriginalDst.getDefaultInstance()))
        .setDefaultFilterChain(tcpProxy("passthrough", Names.INBOUND_PASSTHROUGH));
    if (appPort.isPresent()) {
      FilterChain app = inbound(node, appCluster, serverFilters, routeFilters).getFilterChains(0);
      l.addFilterChains(app.toBuilder().setName("app")
          .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(appPort.getAsInt()))));
    }
    return l.build();
  }

  private static ListenerFilter listenerFilter(String name, com.google.protobuf.Message config) {
    return ListenerFilter.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
  }

  private static FilterChain tcpProxy(String name, String cluster) {
    TcpProxy tcp = TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build();
    return FilterChain.newBuilder().setName(name)
        .addFilters(Filter.newBuilder().setName(TCP_PROXY_FILTER).setTypedConfig(Any.pack(tcp)))
        .build();
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
