package dev.corral.e2e.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes an Envoy v3 bootstrap for fault tests: one listener with a virtual host per cluster
 * (matched by the Host header, which is the cluster's name), each with its own route fields
 * (retry policy, timeout) and its own raw cluster YAML (health checks, outlier detection,
 * circuit breakers), so that one sidecar serves every scenario of a test class.
 */
public final class FaultBootstrap {
  private final int adminPort = Ports.free();
  private final int listenerPort = Ports.free();
  private final List<ClusterSpec> clusters = new ArrayList<>();

  private record ClusterSpec(String name, int[] ports, String routeExtra, String clusterExtra) {}

  public int adminPort() {
    return adminPort;
  }

  public int listenerPort() {
    return listenerPort;
  }

  /**
   * A ROUND_ROBIN cluster {@code name} of loopback {@code ports}, reached with {@code Host: name}.
   * {@code routeExtra} goes inside the route's {@code route:} map (e.g. {@code , timeout: 1s});
   * {@code clusterExtra} is raw YAML of cluster fields, each line indented 4 spaces.
   */
  public FaultBootstrap cluster(String name, String routeExtra, String clusterExtra, int... ports) {
    clusters.add(new ClusterSpec(name, ports, routeExtra, clusterExtra.isEmpty() || clusterExtra.endsWith("\n")
        ? clusterExtra : clusterExtra + "\n"));
    return this;
  }

  public String yaml() {
    StringBuilder hosts = new StringBuilder();
    StringBuilder cl = new StringBuilder();
    String vh = " ".repeat(12);
    for (ClusterSpec c : clusters) {
      hosts.append(vh).append("- name: ").append(c.name).append('\n')
          .append(vh).append("  domains: [\"").append(c.name).append("\"]\n")
          .append(vh).append("  routes:\n")
          .append(vh).append("  - match: { prefix: \"/\" }\n")
          .append(vh).append("    route: { cluster: ").append(c.name).append(' ').append(c.routeExtra).append(" }\n");
      StringBuilder endpoints = new StringBuilder();
      for (int port : c.ports) {
        endpoints.append("        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ")
            .append(port).append(" } } }\n");
      }
      cl.append("""
            - name: %s
              type: STATIC
              connect_timeout: 1s
              lb_policy: ROUND_ROBIN
          %s    load_assignment:
                cluster_name: %s
                endpoints:
                - lb_endpoints:
          %s""".formatted(c.name, c.clusterExtra, c.name, endpoints));
    }
    return """
        node: { id: e2e.faults, cluster: e2e }
        admin:
          address: { socket_address: { address: 127.0.0.1, port_value: %d } }
        static_resources:
          listeners:
          - name: outbound
            address: { socket_address: { address: 127.0.0.1, port_value: %d } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: outbound
                  route_config:
                    name: outbound
                    virtual_hosts:
        %s          http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          clusters:
        %s""".formatted(adminPort, listenerPort, hosts, cl);
  }

  /** Launches the sidecar with this bootstrap and waits until it is ready. */
  public SidecarProcess start(String... extraArgs) {
    return RawSidecars.start(yaml(), adminPort, listenerPort, extraArgs);
  }
}
