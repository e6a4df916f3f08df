package dev.corral.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bootstrap of a sidecar that takes everything from the control plane over ADS: its node
 * (id, cluster, metadata), its admin address, and one static cluster (HTTP/2, {@code xds} unless
 * named otherwise) to the control plane. What the demo's and the tests' local sidecars boot with
 * (docs/local-mode.md), and what the injector puts in every meshed pod (docs/injection.md).
 */
public final class AdsBootstrap {
  private final String nodeId;
  private final String cluster;
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private String adminAddress = "127.0.0.1";
  private int adminPort;
  private String xdsAddress = "127.0.0.1";
  private int xdsPort;
  private String xdsCluster = "xds";

  private AdsBootstrap(String nodeId, String cluster) {
    this.nodeId = nodeId;
    this.cluster = cluster;
  }

  public static AdsBootstrap node(String nodeId, String cluster) {
    return new AdsBootstrap(nodeId, cluster);
  }

  /** Node metadata, in order: a number stays a number, anything else is a string. */
  public AdsBootstrap metadata(String key, Object value) {
    metadata.put(key, value instanceof Number ? value.toString() : quoted(String.valueOf(value)));
    return this;
  }

  public AdsBootstrap admin(String address, int port) {
    this.adminAddress = address;
    this.adminPort = port;
    return this;
  }

  public AdsBootstrap xds(String address, int port) {
    this.xdsAddress = address;
    this.xdsPort = port;
    return this;
  }

  /** The static cluster's name (the ADS config refers to it). */
  public AdsBootstrap xdsCluster(String name) {
    this.xdsCluster = name;
    return this;
  }

  public String yaml() {
    StringBuilder node = new StringBuilder("node:\n  id: " + quoted(nodeId) + "\n  cluster: " + quoted(cluster) + "\n");
    if (!metadata.isEmpty()) {
      node.append("  metadata:\n");
      metadata.forEach((k, v) -> node.append("    ").append(quoted(k)).append(": ").append(v).append('\n'));
    }
    return node + """
        admin:
          address: { socket_address: { address: %s, port_value: %d } }
        static_resources:
          clusters:
          - name: %s
            type: STATIC
            connect_timeout: 1s
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config: { http2_protocol_options: {} }
            load_assignment:
              cluster_name: %s
              endpoints:
              - lb_endpoints:
                - endpoint: { address: { socket_address: { address: %s, port_value: %d } } }
        dynamic_resources:
          ads_config:
            api_type: GRPC
            transport_api_version: V3
            grpc_services:
            - envoy_grpc: { cluster_name: %s }
          lds_config: { ads: {}, resource_api_version: V3 }
          cds_config: { ads: {}, resource_api_version: V3 }
        """.formatted(quoted(adminAddress), adminPort, quoted(xdsCluster), quoted(xdsCluster), quoted(xdsAddress),
        xdsPort, quoted(xdsCluster));
  }

  /** A double-quoted YAML scalar: whatever the value (an IPv6 address, a {@code $(VAR)}), it stays a string. */
  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
