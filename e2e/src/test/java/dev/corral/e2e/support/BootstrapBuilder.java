package dev.corral.e2e.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes an Envoy v3 bootstrap (YAML) for the sidecar under test: an admin port, one listener
 * whose routes go to clusters of loopback endpoints. Small on purpose: tests that need more
 * append raw YAML with {@link #routeExtra} and {@link Cluster#extra}.
 */
public final class BootstrapBuilder {
  private final int adminPort = Ports.free();
  private final int listenerPort = Ports.free();
  private final List<Cluster> clusters = new ArrayList<>();
  private final List<String> virtualHosts = new ArrayList<>();
  private String routeExtra = "";

  public int adminPort() {
    return adminPort;
  }

  public int listenerPort() {
    return listenerPort;
  }

  /** Adds a cluster; the first one added also gets the catch-all virtual host. */
  public Cluster cluster(String name, int... ports) {
    Cluster cluster = new Cluster(name, ports);
    clusters.add(cluster);
    return cluster;
  }

  /** A virtual host for {@code domains} sending every path to {@code cluster}. */
  public BootstrapBuilder virtualHost(String cluster, String... domains) {
    virtualHosts.add(virtualHostYaml(cluster + "-" + virtualHosts.size(), quoted(domains), cluster));
    return this;
  }

  /** Extra fields inside each route's {@code route:} map, e.g. {@code , timeout: 1s}. */
  public BootstrapBuilder routeExtra(String extra) {
    this.routeExtra = extra;
    return this;
  }

  public String yaml() {
    StringBuilder hosts = new StringBuilder();
    for (String vh : virtualHosts) {
      hosts.append(vh);
    }
    if (!clusters.isEmpty()) {
      hosts.append(virtualHostYaml("catch-all", "\"*\"", clusters.get(0).name));
    }
    StringBuilder cl = new StringBuilder();
    for (Cluster c : clusters) {
      cl.append(c.yaml());
    }
    return """
        node: { id: e2e.test, cluster: e2e }
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
        %s""".formatted(adminPort, listenerPort, hosts, cl).replace("%ROUTE_EXTRA%", routeExtra);
  }

  private static String virtualHostYaml(String name, String domains, String cluster) {
    String indent = " ".repeat(12);
    return indent + "- name: " + name + "\n"
        + indent + "  domains: [" + domains + "]\n"
        + indent + "  routes:\n"
        + indent + "  - match: { prefix: \"/\" }\n"
        + indent + "    route: { cluster: " + cluster + " %ROUTE_EXTRA% }\n";
  }

  private static String quoted(String... values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      out.add('"' + v + '"');
    }
    return String.join(", ", out);
  }

  /** One STATIC cluster of loopback endpoints. */
  public static final class Cluster {
    private final String name;
    private final int[] ports;
    private String lbPolicy = "ROUND_ROBIN";
    private boolean http2;
    private String extra = "";

    Cluster(String name, int[] ports) {
      this.name = name;
      this.ports = ports;
    }

    public Cluster lbPolicy(String policy) {
      this.lbPolicy = policy;
      return this;
    }

    public Cluster http2() {
      this.http2 = true;
      return this;
    }

    /** Raw YAML lines added to the cluster (indented 4 spaces), e.g. {@code "    ring_hash_lb_config: {}"}. */
    public Cluster extra(String yaml) {
      this.extra = extra + yaml + "\n";
      return this;
    }

    String yaml() {
      StringBuilder endpoints = new StringBuilder();
      for (int port : ports) {
        endpoints.append("        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ")
            .append(port).append(" } } }\n");
      }
      String protocol = http2 ? """
              typed_extension_protocol_options:
                envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                  "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                  explicit_http_config: { http2_protocol_options: {} }
          """ : "";
      return """
            - name: %s
              type: STATIC
              connect_timeout: 1s
              lb_policy: %s
          %s%s    load_assignment:
                cluster_name: %s
                endpoints:
                - lb_endpoints:
          %s""".formatted(name, lbPolicy, protocol, extra, name, endpoints);
    }
  }
}
