package dev.corral.controlplane.translate;

import dev.corral.controlplane.model.ServiceKey;
import java.util.List;

/**
 * The names of generated resources, shared with the sidecar's stats (which read the service from
 * {@code outbound|<port>|<subset>|<host>} and {@code inbound|<port>||}) and with operators
 * reading {@code /config_dump}. Istio's conventions, so that the names look familiar.
 */
public final class Names {
  /** The outbound listener and its RouteConfiguration. */
  public static final String OUTBOUND = "outbound";
  /** The inbound listener and its inline route table. */
  public static final String INBOUND = "inbound";
  public static final String CLUSTER_DOMAIN = "svc.cluster.local";
  /** ORIGINAL_DST cluster of the outbound listener: what is not a mesh service goes where the app sent it. */
  public static final String PASSTHROUGH = "PassthroughCluster";
  /** ORIGINAL_DST cluster of the inbound listener: ports of the pod the sidecar does not front. */
  public static final String INBOUND_PASSTHROUGH = "InboundPassthroughCluster";
  /** The outbound route table's catch-all virtual host (Istio's name): any other Host passes through. */
  public static final String ALLOW_ANY = "allow_any";

  private Names() {}

  /** {@code images.shop.svc.cluster.local}. */
  public static String fqdn(ServiceKey service) {
    return service.name() + "." + service.namespace() + "." + CLUSTER_DOMAIN;
  }

  /** {@code outbound|8080||images.shop.svc.cluster.local}: a Service port's cluster and its CLA. */
  public static String outboundCluster(ServiceKey service, int port) {
    return "outbound|" + port + "||" + fqdn(service);
  }

  /** {@code inbound|18080||}: the local app behind the inbound listener. */
  public static String inboundCluster(int appPort) {
    return "inbound|" + appPort + "||";
  }

  /** {@code images.shop.svc.cluster.local:8080}: the virtual host of one Service port. */
  public static String virtualHost(ServiceKey service, int port) {
    return fqdn(service) + ":" + port;
  }

  /**
   * The Host / :authority names of a Service: {@code name} (only from the Service's own
   * namespace, as in cluster DNS), {@code name.ns}, {@code name.ns.svc},
   * {@code name.ns.svc.cluster.local}.
   */
  public static List<String> hostNames(ServiceKey service, String clientNamespace) {
    String n = service.name();
    String ns = service.namespace();
    List<String> qualified = List.of(n + "." + ns, n + "." + ns + ".svc", fqdn(service));
    if (!ns.equals(clientNamespace)) {
      return qualified;
    }
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(n), qualified.stream()).toList();
  }

  /** A policy's id in {@link PolicyIndex}: {@code namespace/Kind/name}. */
  public static String policyId(String namespace, String kind, String name) {
    return namespace + "/" + kind + "/" + name;
  }
}
