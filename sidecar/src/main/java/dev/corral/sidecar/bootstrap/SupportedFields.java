package dev.corral.sidecar.bootstrap;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The one table of bootstrap fields the sidecar implements. A set field whose path (indices
 * dropped, map keys kept) is not listed here is refused, so nothing is silently ignored.
 *
 * <p>Each {@code [message]} header starts the allowlist of a message that arrives packed in an
 * {@code Any}; paths under it are relative to that message. A path ending in {@code .**} allows
 * the whole subtree (another component validates it). Well-known types such as {@code Duration},
 * wrappers and {@code Struct} are leaves. Keep docs/bootstrap.md in step: a test checks that every
 * path here is documented there.
 */
final class SupportedFields {
  static final String BOOTSTRAP = "envoy.config.bootstrap.v3.Bootstrap";
  static final String HCM =
      "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
  static final String ROUTER = "envoy.extensions.filters.http.router.v3.Router";
  static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  static final String TABLE =
      """
      [envoy.config.bootstrap.v3.Bootstrap]
      node
      node.id
      node.cluster
      node.metadata
      node.locality
      node.locality.region
      node.locality.zone
      node.locality.sub_zone
      admin
      admin.address
      admin.address.socket_address
      admin.address.socket_address.address
      admin.address.socket_address.port_value
      static_resources
      static_resources.listeners
      static_resources.listeners.name
      static_resources.listeners.address
      static_resources.listeners.address.socket_address
      static_resources.listeners.address.socket_address.address
      static_resources.listeners.address.socket_address.port_value
      static_resources.listeners.listener_filters
      static_resources.listeners.listener_filters.name
      static_resources.listeners.listener_filters.typed_config
      static_resources.listeners.listener_filters_timeout
      static_resources.listeners.continue_on_listener_filters_timeout
      static_resources.listeners.filter_chains
      static_resources.listeners.filter_chains.name
      static_resources.listeners.filter_chains.filter_chain_match
      static_resources.listeners.filter_chains.filter_chain_match.destination_port
      static_resources.listeners.filter_chains.filter_chain_match.application_protocols
      static_resources.listeners.filter_chains.filters
      static_resources.listeners.filter_chains.filters.name
      static_resources.listeners.filter_chains.filters.typed_config
      static_resources.listeners.default_filter_chain
      static_resources.listeners.default_filter_chain.name
      static_resources.listeners.default_filter_chain.filters
      static_resources.listeners.default_filter_chain.filters.name
      static_resources.listeners.default_filter_chain.filters.typed_config
      static_resources.clusters
      static_resources.clusters.name
      static_resources.clusters.type
      static_resources.clusters.connect_timeout
      static_resources.clusters.lb_policy
      static_resources.clusters.least_request_lb_config
      static_resources.clusters.least_request_lb_config.choice_count
      static_resources.clusters.ring_hash_lb_config
      static_resources.clusters.ring_hash_lb_config.minimum_ring_size
      static_resources.clusters.ring_hash_lb_config.maximum_ring_size
      static_resources.clusters.ring_hash_lb_config.hash_function
      static_resources.clusters.maglev_lb_config
      static_resources.clusters.maglev_lb_config.table_size
      static_resources.clusters.load_balancing_policy.**
      static_resources.clusters.load_assignment
      static_resources.clusters.load_assignment.cluster_name
      static_resources.clusters.load_assignment.endpoints
      static_resources.clusters.load_assignment.endpoints.locality
      static_resources.clusters.load_assignment.endpoints.locality.region
      static_resources.clusters.load_assignment.endpoints.locality.zone
      static_resources.clusters.load_assignment.endpoints.locality.sub_zone
      static_resources.clusters.load_assignment.endpoints.load_balancing_weight
      static_resources.clusters.load_assignment.endpoints.lb_endpoints
      static_resources.clusters.load_assignment.endpoints.lb_endpoints.endpoint
      static_resources.clusters.load_assignment.endpoints.lb_endpoints.endpoint.address
      static_resources.clusters.load_assignment.endpoints.lb_endpoints.endpoint.address.socket_address
      static_resources.clusters.load_assignment.endpoints.lb_endpoints.endpoint.address.socket_address.address
      static_resources.clusters.load_assignment.endpoints.lb_endpoints.endpoint.address.socket_address.port_value
      static_resources.clusters.load_assignment.endpoints.lb_endpoints.load_balancing_weight
      static_resources.clusters.typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]
      static_resources.clusters.common_lb_config
      static_resources.clusters.common_lb_config.healthy_panic_threshold
      static_resources.clusters.common_lb_config.healthy_panic_threshold.value
      static_resources.clusters.per_connection_buffer_limit_bytes
      static_resources.clusters.circuit_breakers
      static_resources.clusters.circuit_breakers.thresholds
      static_resources.clusters.circuit_breakers.thresholds.priority
      static_resources.clusters.circuit_breakers.thresholds.max_connections
      static_resources.clusters.circuit_breakers.thresholds.max_pending_requests
      static_resources.clusters.circuit_breakers.thresholds.max_requests
      static_resources.clusters.circuit_breakers.thresholds.max_retries
      static_resources.clusters.circuit_breakers.thresholds.retry_budget
      static_resources.clusters.circuit_breakers.thresholds.retry_budget.budget_percent
      static_resources.clusters.circuit_breakers.thresholds.retry_budget.budget_percent.value
      static_resources.clusters.circuit_breakers.thresholds.retry_budget.min_retry_concurrency
      static_resources.clusters.outlier_detection.**
      static_resources.clusters.health_checks.**
      static_resources.clusters.eds_cluster_config
      static_resources.clusters.eds_cluster_config.service_name
      static_resources.clusters.eds_cluster_config.eds_config
      static_resources.clusters.eds_cluster_config.eds_config.ads
      static_resources.clusters.eds_cluster_config.eds_config.resource_api_version
      dynamic_resources
      dynamic_resources.ads_config
      dynamic_resources.ads_config.api_type
      dynamic_resources.ads_config.transport_api_version
      dynamic_resources.ads_config.grpc_services
      dynamic_resources.ads_config.grpc_services.envoy_grpc
      dynamic_resources.ads_config.grpc_services.envoy_grpc.cluster_name
      dynamic_resources.lds_config
      dynamic_resources.lds_config.ads
      dynamic_resources.lds_config.resource_api_version
      dynamic_resources.cds_config
      dynamic_resources.cds_config.ads
      dynamic_resources.cds_config.resource_api_version

      [envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager]
      stat_prefix
      codec_type
      rds
      rds.route_config_name
      rds.config_source
      rds.config_source.ads
      rds.config_source.resource_api_version
      route_config
      route_config.name
      route_config.virtual_hosts
      route_config.virtual_hosts.name
      route_config.virtual_hosts.domains
      route_config.virtual_hosts.routes
      route_config.virtual_hosts.routes.match
      route_config.virtual_hosts.routes.match.prefix
      route_config.virtual_hosts.routes.match.path
      route_config.virtual_hosts.routes.match.safe_regex
      route_config.virtual_hosts.routes.match.safe_regex.regex
      route_config.virtual_hosts.routes.match.case_sensitive
      route_config.virtual_hosts.routes.match.headers
      route_config.virtual_hosts.routes.match.headers.name
      route_config.virtual_hosts.routes.match.headers.exact_match
      route_config.virtual_hosts.routes.match.headers.present_match
      route_config.virtual_hosts.routes.match.headers.invert_match
      route_config.virtual_hosts.routes.match.headers.string_match
      route_config.virtual_hosts.routes.match.headers.string_match.exact
      route_config.virtual_hosts.routes.match.headers.string_match.prefix
      route_config.virtual_hosts.routes.match.headers.string_match.suffix
      route_config.virtual_hosts.routes.match.headers.string_match.contains
      route_config.virtual_hosts.routes.match.headers.string_match.safe_regex
      route_config.virtual_hosts.routes.match.headers.string_match.safe_regex.regex
      route_config.virtual_hosts.routes.match.headers.string_match.ignore_case
      route_config.virtual_hosts.routes.route
      route_config.virtual_hosts.routes.route.cluster
      route_config.virtual_hosts.routes.route.weighted_clusters
      route_config.virtual_hosts.routes.route.weighted_clusters.clusters
      route_config.virtual_hosts.routes.route.weighted_clusters.clusters.name
      route_config.virtual_hosts.routes.route.weighted_clusters.clusters.weight
      route_config.virtual_hosts.routes.route.hash_policy
      route_config.virtual_hosts.routes.route.hash_policy.header
      route_config.virtual_hosts.routes.route.hash_policy.header.header_name
      route_config.virtual_hosts.routes.route.hash_policy.cookie
      route_config.virtual_hosts.routes.route.hash_policy.cookie.name
      route_config.virtual_hosts.routes.route.hash_policy.cookie.ttl
      route_config.virtual_hosts.routes.route.hash_policy.cookie.path
      route_config.virtual_hosts.routes.route.hash_policy.connection_properties
      route_config.virtual_hosts.routes.route.hash_policy.connection_properties.source_ip
      route_config.virtual_hosts.routes.route.hash_policy.terminal
      route_config.virtual_hosts.routes.route.timeout
      route_config.virtual_hosts.routes.route.retry_policy
      route_config.virtual_hosts.routes.route.retry_policy.retry_on
      route_config.virtual_hosts.routes.route.retry_policy.num_retries
      route_config.virtual_hosts.routes.route.retry_policy.per_try_timeout
      route_config.virtual_hosts.routes.route.retry_policy.retry_back_off
      route_config.virtual_hosts.routes.route.retry_policy.retry_back_off.base_interval
      route_config.virtual_hosts.routes.route.retry_policy.retry_back_off.max_interval
      route_config.virtual_hosts.routes.route.retry_policy.retry_host_predicate
      route_config.virtual_hosts.routes.route.retry_policy.retry_host_predicate.name
      route_config.virtual_hosts.routes.route.retry_policy.retry_host_predicate.typed_config
      route_config.virtual_hosts.routes.route.retry_policy.host_selection_retry_max_attempts
      route_config.virtual_hosts.routes.route.retry_policy.retriable_status_codes
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.name
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.exact_match
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.present_match
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.invert_match
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.string_match
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.string_match.exact
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.string_match.prefix
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.string_match.suffix
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.string_match.contains
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.string_match.safe_regex
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.string_match.safe_regex.regex
      route_config.virtual_hosts.routes.route.retry_policy.retriable_request_headers.string_match.ignore_case
      route_config.virtual_hosts.routes.typed_per_filter_config["envoy.filters.http.cache"]
      route_config.virtual_hosts.routes.typed_per_filter_config["corral.filters.http.collapse"]
      http_filters
      http_filters.name
      http_filters.typed_config
      max_request_headers_kb
      common_http_protocol_options
      common_http_protocol_options.idle_timeout
      generate_request_id
      http2_protocol_options

      [envoy.extensions.filters.http.router.v3.Router]

      [envoy.extensions.filters.listener.original_dst.v3.OriginalDst]

      [envoy.extensions.filters.listener.http_inspector.v3.HttpInspector]

      [envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy]
      stat_prefix
      cluster

      [envoy.extensions.filters.http.cache.v3.CacheConfig]
      typed_config

      [corral.v1alpha1.CacheStore]
      max_size
      max_object_size
      default_ttl
      stale_while_revalidate
      stale_if_error
      key_headers
      share_across_credentials
      invalidate_on_unsafe_methods

      [corral.v1alpha1.CollapseConfig]
      methods
      key_headers
      share_across_credentials
      max_wait
      max_buffered_bytes
      ranges
      ranges.enabled
      ranges.block_size
      ranges.max_blocks_per_fetch

      [envoy.config.route.v3.FilterConfig]
      disabled

      [envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate]

      [envoy.extensions.upstreams.http.v3.HttpProtocolOptions]
      explicit_http_config
      explicit_http_config.http_protocol_options
      explicit_http_config.http2_protocol_options
      common_http_protocol_options
      common_http_protocol_options.idle_timeout
      common_http_protocol_options.max_requests_per_connection
      """;

  /** Type URL → allowed paths; also the set of Any types we accept. */
  private static final Map<String, Set<String>> BY_TYPE = parse(TABLE);

  private SupportedFields() {}

  static Set<String> types() {
    return BY_TYPE.keySet();
  }

  /** Every path of the table, qualified by its message for Any sections, for documentation. */
  static Map<String, Set<String>> table() {
    return BY_TYPE;
  }

  /** The allowlist of a message type, or null when that type may not appear in an Any here. */
  static @Nullable Set<String> forType(String fullName) {
    return BY_TYPE.get(fullName);
  }

  /** Whether {@code path} is listed, or lies in a subtree listed with {@code .**}. */
  static boolean allows(Set<String> allowlist, String path) {
    return allowlist.contains(path) || inOpenSubtree(allowlist, path);
  }

  /** Whether {@code path} or one of its ancestors is listed with {@code .**}. */
  static boolean inOpenSubtree(Set<String> allowlist, String path) {
    for (String p = path; ; ) {
      if (allowlist.contains(p + ".**")) {
        return true;
      }
      int dot = lastSeparator(p);
      if (dot < 0) {
        return false;
      }
      p = p.substring(0, dot);
    }
  }

  private static int lastSeparator(String path) {
    // Map keys may contain dots: skip a trailing ["…"] as a whole.
    if (path.endsWith("\"]")) {
      return path.lastIndexOf("[\"");
    }
    return path.lastIndexOf('.');
  }

  private static Map<String, Set<String>> parse(String table) {
    Map<String, Set<String>> sections = new HashMap<>();
    Set<String> current = null;
    for (String raw : table.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = new LinkedHashSet<>();
        sections.put(line.substring(1, line.length() - 1), current);
      } else if (current == null) {
        throw new IllegalStateException("allowlist line outside a section: " + line);
      } else {
        current.add(line);
      }
    }
    ImmutableMap.Builder<String, Set<String>> result = ImmutableMap.builder();
    sections.forEach((type, paths) -> result.put(type, ImmutableSet.copyOf(paths)));
    return result.buildOrThrow();
  }
}
