package dev.corral.e2e.support;

/**
 * A sidecar bootstrap with the cache and collapse filters: {@code /c/} collapses only (the cache is
 * turned off per route), {@code /k/} is cached and collapsed, {@code /w/} collapses with a short
 * maxWait, {@code /t/} collapses with a route timeout of 0.5 s, {@code /r/} coalesces ranges
 * (blocks of 64 KiB, no cache), {@code /rc/} coalesces ranges into the cache, {@code /s/}
 * collapses across credentials (shareAcrossCredentials, no cache), anything else is cached and
 * collapsed.
 */
public final class FilterSidecars {
  private FilterSidecars() {}

  public static String yaml(int adminPort, int listenerPort, int originPort) {
    String collapse = "\"@type\": type.googleapis.com/corral.v1alpha1.CollapseConfig";
    String cache = "{ \"@type\": type.googleapis.com/envoy.extensions.filters.http.cache.v3.CacheConfig,"
        + " typed_config: { \"@type\": type.googleapis.com/corral.v1alpha1.CacheStore, max_size: 67108864,"
        + " max_object_size: 16777216, stale_while_revalidate: 0s, stale_if_error: 300s } }";
    String off = "{ \"@type\": type.googleapis.com/envoy.config.route.v3.FilterConfig, disabled: true }";
    return """
        node: { id: e2e.filters, cluster: e2e }
        admin:
          address: { socket_address: { address: 127.0.0.1, port_value: %1$d } }
        static_resources:
          listeners:
          - name: outbound
            address: { socket_address: { address: 127.0.0.1, port_value: %2$d } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: outbound
                  route_config:
                    name: outbound
                    virtual_hosts:
                    - name: origin
                      domains: ["*"]
                      routes:
                      - match: { prefix: "/c/" }
                        route: { cluster: origin, timeout: 30s }
                        typed_per_filter_config:
                          envoy.filters.http.cache: %4$s
                      - match: { prefix: "/w/" }
                        route: { cluster: origin, timeout: 30s }
                        typed_per_filter_config:
                          envoy.filters.http.cache: %4$s
                          corral.filters.http.collapse: { %5$s, max_wait: 0.2s }
                      - match: { prefix: "/t/" }
                        route: { cluster: origin, timeout: 0.5s }
                        typed_per_filter_config:
                          envoy.filters.http.cache: %4$s
                      - match: { prefix: "/r/" }
                        route: { cluster: origin, timeout: 30s }
                        typed_per_filter_config:
                          envoy.filters.http.cache: %4$s
                          corral.filters.http.collapse: { %5$s, ranges: { enabled: true, block_size: 65536, max_blocks_per_fetch: 16 } }
                      - match: { prefix: "/s/" }
                        route: { cluster: origin, timeout: 30s }
                        typed_per_filter_config:
                          envoy.filters.http.cache: %4$s
                          corral.filters.http.collapse: { %5$s, share_across_credentials: true }
                      - match: { prefix: "/rc/" }
                        route: { cluster: origin, timeout: 30s }
                        typed_per_filter_config:
                          corral.filters.http.collapse: { %5$s, ranges: { enabled: true, block_size: 65536, max_blocks_per_fetch: 16 } }
                      - match: { prefix: "/" }
                        route: { cluster: origin, timeout: 30s }
                  http_filters:
                  - name: envoy.filters.http.cache
                    typed_config: %6$s
                  - name: corral.filters.http.collapse
                    typed_config: { %5$s }
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          clusters:
          - name: origin
            type: STATIC
            connect_timeout: 1s
            load_assignment:
              cluster_name: origin
              endpoints:
              - lb_endpoints:
                - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %3$d } } }
        """.formatted(adminPort, listenerPort, originPort, off, collapse, cache);
  }
}
