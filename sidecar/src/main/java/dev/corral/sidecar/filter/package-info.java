/**
 * The HTTP filters' configuration as the data path uses it: the HttpConnectionManager's
 * {@code http_filters} (stats → {@code envoy.filters.http.cache} → {@code corral.filters.http.collapse}
 * → {@code envoy.filters.http.router}) compiled into {@link dev.corral.sidecar.filter.ListenerFilters},
 * and a route's {@code typed_per_filter_config} compiled into {@link dev.corral.sidecar.filter.RouteFilters}.
 * The filters themselves live where they touch the exchange ({@code http/}); their pure cores in
 * {@code cache/} and {@code collapse/}.
 */
@NullMarked
package dev.corral.sidecar.filter;

import org.jspecify.annotations.NullMarked;
