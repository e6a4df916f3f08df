# Sourced by the bench scripts: writes the Corral sidecar bootstrap they share.
#
# corral_bootstrap ADMIN_PORT LISTEN_PORT ROUTE_EXTRA CLUSTER_EXTRA BACKEND_PORT...
#   One listener routing everything to cluster "backends" (STATIC, ROUND_ROBIN) over the given
#   loopback ports. ROUTE_EXTRA is YAML placed under the route's action (indented 18 spaces),
#   CLUSTER_EXTRA under the cluster (indented 4 spaces); either may be empty.
corral_bootstrap() {
  local admin=$1 listen=$2 route_extra=$3 cluster_extra=$4
  shift 4
  cat <<YAML
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: $admin } }
static_resources:
  listeners:
  - name: ingress
    address: { socket_address: { address: 127.0.0.1, port_value: $listen } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          codec_type: AUTO
          route_config:
            name: local_route
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - match: { prefix: "/" }
                route:
                  cluster: backends
${route_extra}
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
  - name: backends
    type: STATIC
    connect_timeout: 1s
    lb_policy: ROUND_ROBIN
${cluster_extra}
    load_assignment:
      cluster_name: backends
      endpoints:
      - lb_endpoints:
YAML
  local port
  for port in "$@"; do
    echo "        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $port } } }"
  done
}
