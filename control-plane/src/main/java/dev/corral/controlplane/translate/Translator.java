package dev.corral.controlplane.translate;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.controlplane.model.Endpoint;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.ServiceEndpoints;
import dev.corral.controlplane.model.ServiceKey;
import dev.corral.controlplane.model.ServicePort;
import dev.corral.controlplane.xds.XdsResources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MeshModel → the Envoy resources of one node group, as a pure function: equal inputs give equal
 * output, in a stable order.
 *
 * <ul>
 *   <li>per TCP Service port: an EDS {@link Cluster} {@code outbound|<port>||<fqdn>} shaped by the
 *       BalancePolicy in force, and its {@link ClusterLoadAssignment} (ready, non-terminating
 *       endpoints by zone);
 *   <li>the {@link RouteConfiguration} {@code outbound}: a virtual host {@code <fqdn>:<port>} per
 *       Service port, with the Service's host names (with and without the port for its first
 *       port), routing everything to the port's cluster with the policy's timeout, retries and
 *       hash policy;
 *   <li>the listener {@code outbound} on the node's outbound port (RDS {@code outbound}), with the
 *       Client-placement cache / collapse filters; each route's {@code typed_per_filter_config}
 *       turns them on (the policy's config) or off for its Service ({@link PlacementFilters});
 *   <li>when the node's app port is known: the listener {@code inbound} on its inbound port, with
 *       the Server-placement filters of the node's own Service, and the
 *       STATIC cluster {@code inbound|<app port>||} of 127.0.0.1:&lt;app port&gt;;
 *   <li>when the node's traffic is intercepted ({@link NodeContext#intercepted()}): the
 *       ORIGINAL_DST clusters {@code PassthroughCluster} and {@code InboundPassthroughCluster},
 *       the catch-all virtual host {@code allow_any}, and pass-through chains in both listeners
 *       (always an inbound listener then), see {@link Listeners}.
 * </ul>
 */
public final class Translator {
  private static final Logger log = LoggerFactory.getLogger(Translator.class);

  private Translator() {}

  /** With the cache and collapse filters the model's policies ask for. */
  public static XdsResources translate(MeshModel model, NodeContext node) {
    return translate(model, node, PlacementFilters.fromPolicies());
  }

  public static XdsResources translate(MeshModel model, NodeContext node, PlacementFilters filters) {
    return translate(model, node, filters, LocalSidecars.none());
  }

  /**
   * @param local in local mode, the sidecars on this machine: endpoints of their pods go through
   *     their inbound listener (see {@link LocalSidecars})
   */
  public static XdsResources translate(MeshModel model, NodeContext node, PlacementFilters filters,
      LocalSidecars local) {
    return translate(model, node, filters, local, TranslationMemo.none());
  }

  /**
   * As {@link #translate(MeshModel, NodeContext, PlacementFilters, LocalSidecars)}, sharing the
   * pieces that do not depend on the node through {@code memo}: equal output, built once for all
   * groups (and reused across models for Services that did not change).
   */
  public static XdsResources translate(MeshModel model, NodeContext node, PlacementFilters filters,
      LocalSidecars local, TranslationMemo memo) {
    requireNonNull(model, "model");
    requireNonNull(local, "local");
    requireNonNull(node, "node");
    requireNonNull(filters, "filters");
    requireNonNull(memo, "memo");
    // Clusters and endpoints of the Services do not depend on the node at all: one list per model.
    Outbound outbound = memo.get(new OutboundKey(new TranslationMemo.Same(model), local),
        () -> outbound(model, local, memo));
    List<Cluster> clusters = new ArrayList<>(outbound.clusters());
    List<ClusterLoadAssignment> endpoints = outbound.endpoints();
    List<Listener> listeners = new ArrayList<>();

    List<io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter> clientFilters =
        filters.client(model, node);
    // The route table depends on the node only through its namespace (short host names); one memo
    // serves one PlacementFilters.
    RouteConfiguration routes = memo.get(new RoutesKey(new TranslationMemo.Same(model), node.namespace()),
        () -> outboundRoutes(model, node.namespace(), filters, memo));
    listeners.add(Listeners.outbound(node, clientFilters));
    if (node.intercepted()) {
      routes = routes.toBuilder().addVirtualHosts(Routes.allowAny(clientFilters)).build();
      clusters.add(memo.get(new OriginalDstKey(Names.PASSTHROUGH), () -> Clusters.originalDst(Names.PASSTHROUGH)));
      clusters.add(memo.get(new OriginalDstKey(Names.INBOUND_PASSTHROUGH),
          () -> Clusters.originalDst(Names.INBOUND_PASSTHROUGH)));
    }

    OptionalInt appPort = node.appPort().isPresent() ? node.appPort() : appPortFromEndpoints(model, node);
    String inbound = appPort.isPresent() ? Names.inboundCluster(appPort.getAsInt()) : "";
    if (appPort.isPresent()) {
      // Shared by every group with this app port, so their CDS lists hold the same instances
      // (the publisher then hashes, indexes and packs them once, not per group).
      int port = appPort.getAsInt();
      clusters.add(memo.get(new InboundKey(inbound, port),
          () -> Clusters.inbound(inbound, Endpoints.local(inbound, port))));
    }
    if (node.intercepted()) {
      listeners.add(Listeners.interceptedInbound(node, appPort, inbound, filters.server(model, node),
          filters.serverRoute(model, node)));
    } else if (appPort.isPresent()) {
      listeners.add(Listeners.inbound(node, inbound, filters.server(model, node),
          filters.serverRoute(model, node)));
    }
    return new XdsResources(clusters, endpoints, listeners, List.of(routes));
  }

  private static Outbound outbound(MeshModel model, LocalSidecars local, TranslationMemo memo) {
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    for (Service service : model.services().values()) {
      ServiceKey key = service.key();
      BalancePolicySpec spec = balance(model, key, memo);
      for (ServicePort port : tcpPorts(service)) {
        String clusterName = Names.outboundCluster(key, port.port());
        clusters.add(memo.get(new ClusterKey(clusterName, port, spec),
            () -> Clusters.outbound(clusterName, port, spec)));
        ServiceEndpoints eps = model.endpointsOf(key);
        endpoints.add(memo.get(new EndpointsKey(clusterName, port, eps, local),
            () -> Endpoints.outbound(clusterName, port, eps, local)));
      }
    }
    return new Outbound(List.copyOf(clusters), List.copyOf(endpoints));
  }

  private record Outbound(List<Cluster> clusters, List<ClusterLoadAssignment> endpoints) {}

  private record OutboundKey(TranslationMemo.Same model, LocalSidecars local) {}

  private static RouteConfiguration outboundRoutes(MeshModel model, String namespace, PlacementFilters filters,
      TranslationMemo memo) {
    RouteConfiguration.Builder outboundRoutes = RouteConfiguration.newBuilder().setName(Names.OUTBOUND);
    List<ServiceHosts> hosts = memo.get(new HostsKey(new TranslationMemo.Same(model)),
        () -> serviceHosts(model, filters, memo));
    for (ServiceHosts h : hosts) {
      outboundRoutes.addAllVirtualHosts(h.service().namespace().equals(namespace) ? h.sameNamespace() : h.otherNamespace());
    }
    return outboundRoutes.build();
  }

  /**
   * Each Service's virtual hosts as seen from its own namespace and from any other, once per
   * model: a route table per namespace then only picks them, instead of resolving the policy and
   * filters and hashing a memo key for every Service once per namespace.
   */
  private static List<ServiceHosts> serviceHosts(MeshModel model, PlacementFilters filters, TranslationMemo memo) {
    List<ServiceHosts> out = new ArrayList<>(model.services().size());
    for (Service service : model.services().values()) {
      ServiceKey key = service.key();
      BalancePolicySpec spec = balance(model, key, memo);
      List<ServicePort> ports = tcpPorts(service);
      Map<String, Any> routeFilters = filters.clientRoute(model, key);
      List<VirtualHost> same = new ArrayList<>(ports.size());
      List<VirtualHost> other = new ArrayList<>(ports.size());
      for (int i = 0; i < ports.size(); i++) {
        ServicePort port = ports.get(i);
        boolean first = i == 0;
        same.add(memo.get(new VirtualHostKey(key, port, first, true, spec, routeFilters),
            () -> virtualHost(key, port, first, key.namespace(), spec, routeFilters)));
        // Seen from another namespace (no short host names, whichever namespace): "" is none.
        other.add(memo.get(new VirtualHostKey(key, port, first, false, spec, routeFilters),
            () -> virtualHost(key, port, first, "", spec, routeFilters)));
      }
      out.add(new ServiceHosts(key, List.copyOf(same), List.copyOf(other)));
    }
    return List.copyOf(out);
  }

  private record ServiceHosts(ServiceKey service, List<VirtualHost> sameNamespace, List<VirtualHost> otherNamespace) {}

  private record HostsKey(TranslationMemo.Same model) {}

  private static VirtualHost virtualHost(ServiceKey key, ServicePort port, boolean first, String namespace,
      @Nullable BalancePolicySpec spec, Map<String, Any> routeFilters) {
    String clusterName = Names.outboundCluster(key, port.port());
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName(Names.virtualHost(key, port.port()));
    for (String host : Names.hostNames(key, namespace)) {
      if (first) {
        vh.addDomains(host);
      }
      vh.addDomains(host + ":" + port.port());
    }
    vh.addRoutes(Routes.catchAll(clusterName, spec).toBuilder().putAllTypedPerFilterConfig(routeFilters));
    return vh.build();
  }

  private static List<ServicePort> tcpPorts(Service service) {
    return service.ports().stream().filter(p -> p.protocol().equals("TCP")).toList();
  }

  private record ClusterKey(String name, ServicePort port, @Nullable BalancePolicySpec spec) {}

  private record EndpointsKey(String name, ServicePort port, ServiceEndpoints endpoints, LocalSidecars local) {}

  private record OriginalDstKey(String name) {}

  private record InboundKey(String name, int appPort) {}

  private record RoutesKey(TranslationMemo.Same model, String namespace) {}

  private record VirtualHostKey(ServiceKey service, ServicePort port, boolean first, boolean sameNamespace,
      @Nullable BalancePolicySpec spec, Map<String, Any> routeFilters) {}

  private record BalanceKey(TranslationMemo.Same model, ServiceKey service) {}

  /**
   * The BalancePolicy in force for {@code key}; a spec the translator cannot read (a source that
   * let an invalid one through) is dropped with a warning rather than failing the whole mesh.
   */
  private static @Nullable BalancePolicySpec balance(MeshModel model, ServiceKey key, TranslationMemo memo) {
    Optional<BalancePolicySpec> spec = memo.get(new BalanceKey(new TranslationMemo.Same(model), key),
        () -> Optional.ofNullable(balance(model, key)));
    return spec.orElse(null);
  }

  private static @Nullable BalancePolicySpec balance(MeshModel model, ServiceKey key) {
    Optional<Policy<BalancePolicySpec>> p = model.policyFor(PolicyKind.BALANCE, key);
    if (p.isEmpty()) {
      return null;
    }
    BalancePolicySpec spec = p.get().spec();
    try {
      // Dry run on a throwaway port: surfaces unparsable values before they reach real output.
      ServicePort probe = new ServicePort("", 1, ServicePort.TargetPort.number(1), "TCP", null);
      Clusters.outbound("probe", probe, spec);
      Routes.catchAll("probe", spec);
      return spec;
    } catch (RuntimeException e) {
      log.warn("{}: cannot translate ({}); {} is balanced with defaults", p.get().displayName(),
          e.getMessage(), key);
      return null;
    }
  }

  /** Kubernetes: the node's own endpoint (by pod name) names the app port of its Service. */
  private static OptionalInt appPortFromEndpoints(MeshModel model, NodeContext node) {
    for (Service service : model.services().values()) {
      if (!service.key().namespace().equals(node.namespace()) || service.ports().isEmpty()) {
        continue;
      }
      for (Endpoint e : model.endpointsOf(service.key()).endpoints()) {
        if (node.pod().equals(e.podName())) {
          OptionalInt p = Endpoints.endpointPort(e, service.ports().get(0));
          if (p.isPresent()) {
            return p;
          }
        }
      }
    }
    return OptionalInt.empty();
  }
}
