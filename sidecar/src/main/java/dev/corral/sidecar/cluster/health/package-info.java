/**
 * Active health checking, after Envoy's {@code health_checker_impl}: a
 * {@link dev.corral.sidecar.cluster.health.HealthChecker} probes each host of a cluster every
 * interval and reports {@code FAILED_ACTIVE_HC} through the cluster's {@code HealthSink}; it
 * never picks hosts. Thresholds and scheduling (the state machine) are separate from the probe
 * (a {@code Prober}: HTTP today), so the state machine is tested with a fake prober and a
 * hand-driven clock, and the HTTP probe against a real server.
 *
 * <p>Choices, and where they differ from Envoy:
 * <ul>
 *   <li>Hosts start healthy, so traffic flows at boot; Envoy waits for the first check (and, with
 *       a healthy_threshold, for several). A dead host is found after unhealthy_threshold checks.
 *   <li>Every failure (an unexpected status, a connect failure, a timeout) counts toward
 *       unhealthy_threshold. Envoy marks a host failed at once on an unexpected status that is not
 *       in retriable_statuses and applies the threshold only to network failures and timeouts.
 *   <li>Checks decide on the response head. As in Envoy, reuse_connection (default true) keeps
 *       the connection for the next check after a healthy answer has ended; anything else closes
 *       it. With {@code reuse_connection: false} each check opens its own ({@code Connection: close}).
 *   <li>Checks run on one event loop per cluster; the wait starts when a check ends. Which
 *       interval it is (interval, unhealthy_interval, the edge intervals, the no-traffic ones)
 *       follows Envoy's code: the check's result and whether it left the host unchanged, moved it
 *       toward a threshold (the edge intervals) or across one. Envoy's jitter is added to each.
 *   <li>At a cluster's first request, checks waiting out a no-traffic interval are re-armed with
 *       the interval that applies with traffic; Envoy lets the long wait run out.
 * </ul>
 * Not implemented, and refused in the config: TCP/gRPC/custom checks,
 * event logs, TLS options, alt_port, methods other than GET,
 * HTTP/2 checks, receive/retriable_statuses, more than one check per cluster.
 */
@NullMarked
package dev.corral.sidecar.cluster.health;

import org.jspecify.annotations.NullMarked;
