package dev.corral.controlplane.translate;

import com.google.protobuf.UInt32Value;
import dev.corral.controlplane.model.Endpoint;
import dev.corral.controlplane.model.ServiceEndpoints;
import dev.corral.controlplane.model.ServicePort;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Service port's {@link ClusterLoadAssignment}: its ready endpoints, grouped by zone. Endpoints
 * that are not ready, or terminating, are left out, so a terminating pod drains: callers stop
 * sending it new requests while those in flight finish. Each locality carries a
 * {@code load_balancing_weight} (its number of endpoints), which standard clients require.
 */
final class Endpoints {
  private Endpoints() {}

  static ClusterLoadAssignment outbound(String clusterName, ServicePort port, ServiceEndpoints endpoints,
      LocalSidecars local) {
    // zone ("" when unknown) → "address:port" in a stable order, duplicates merged.
    Map<String, Set<HostPort>> byZone = new TreeMap<>();
    for (Endpoint e : endpoints.endpoints()) {
      if (!e.ready() || e.terminating()) {
        continue;
      }
      OptionalInt p = endpointPort(e, port);
      if (p.isEmpty()) {
        continue;
      }
      OptionalInt viaSidecar =
          local.inboundFor(endpoints.service().namespace(), e.podName(), e.address(), p.getAsInt());
      byZone.computeIfAbsent(e.zone() == null ? "" : e.zone(), z -> new LinkedHashSet<>())
          .add(new HostPort(e.address(), viaSidecar.orElse(p.getAsInt())));
    }
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    byZone.forEach((zone, hosts) -> {
      LocalityLbEndpoints.Builder l = LocalityLbEndpoints.newBuilder()
          .setLoadBalancingWeight(UInt32Value.of(hosts.size()));
      if (!zone.isEmpty()) {
        l.setLocality(Locality.newBuilder().setZone(zone));
      }
      hosts.stream().sorted().forEach(h -> l.addLbEndpoints(lbEndpoint(h.address, h.port)));
      cla.addEndpoints(l);
    });
    return cla.build();
  }

  /** One loopback endpoint: the app next to the sidecar. */
  static ClusterLoadAssignment local(String clusterName, int appPort) {
    return ClusterLoadAssignment.newBuilder().setClusterName(clusterName)
        .addEndpoints(LocalityLbEndpoints.newBuilder().setLoadBalancingWeight(UInt32Value.of(1))
            .addLbEndpoints(lbEndpoint("127.0.0.1", appPort)))
        .build();
  }

  /**
   * The endpoint's port for a Service port: the EndpointSlice port of the same name, else a
   * numeric targetPort (a slice without ports).
   */
  static OptionalInt endpointPort(Endpoint e, ServicePort port) {
    OptionalInt named = e.port(port.name());
    if (named.isPresent()) {
      return named;
    }
    if (e.ports().isEmpty() && !port.targetPort().isNamed()) {
      return OptionalInt.of(port.targetPort().number());
    }
    return OptionalInt.empty();
  }

  private static LbEndpoint lbEndpoint(String address, int port) {
    return LbEndpoint.newBuilder()
        .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
            .setAddress(Address.newBuilder().setSocketAddress(
                SocketAddress.newBuilder().setAddress(address).setPortValue(port))))
        .build();
  }

  private record HostPort(String address, int port) implements Comparable<HostPort> {
    @Override
    public int compareTo(HostPort o) {
      int c = address.compareTo(o.address);
      return c != 0 ? c : Integer.compare(port, o.port);
    }
  }
}
