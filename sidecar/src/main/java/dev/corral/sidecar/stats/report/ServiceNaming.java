package dev.corral.sidecar.stats.report;

import static java.util.Objects.requireNonNull;

/** Maps a cluster's name to the service (and direction) whose stats it counts towards. */
@FunctionalInterface
public interface ServiceNaming {
  ServiceKey serviceOf(String clusterName);

  /** Every cluster is an outbound service of its own name. */
  static ServiceNaming identity() {
    return ServiceKey::outbound;
  }

  /**
   * Mesh cluster names, {@code direction|port|subset|host} (e.g.
   * {@code outbound|8080||images.shop.svc.cluster.local}): the service is the host. An inbound
   * cluster names no host ({@code inbound|8080||}): its service is {@code localService}, the
   * service this sidecar's pod belongs to (the bootstrap's {@code node.cluster}). Any other name
   * counts as an outbound service of that name.
   */
  static ServiceNaming mesh(String localService) {
    requireNonNull(localService, "localService");
    return clusterName -> {
      String[] parts = clusterName.split("\\|", -1);
      if (parts.length != 4) {
        return ServiceKey.outbound(clusterName);
      }
      String host = parts[3];
      return switch (parts[0]) {
        case "outbound" -> ServiceKey.outbound(host.isEmpty() ? clusterName : host);
        case "inbound" -> ServiceKey.inbound(!host.isEmpty() ? host
            : !localService.isEmpty() ? localService : clusterName);
        default -> ServiceKey.outbound(clusterName);
      };
    };
  }
}
