/**
 * The control plane's HTTP API on port 15014: health, Prometheus metrics, ADS status and the
 * stats API. Netty stays inside {@link dev.corral.controlplane.http.ApiServer}; routes are plain
 * {@link dev.corral.controlplane.http.ApiHandler}s over Corral's own request and response records.
 */
@NullMarked
package dev.corral.controlplane.http;

import org.jspecify.annotations.NullMarked;
