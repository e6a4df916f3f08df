/**
 * Passive outlier detection, after Envoy's {@code outlier_detection_impl}: the router reports
 * each upstream attempt ({@code reportStatus}, {@code reportLocalOriginFailure/Success}) and the
 * {@link dev.corral.sidecar.cluster.outlier.OutlierDetector} decides ejections, which it reports
 * as {@code FAILED_OUTLIER_CHECK} through the cluster's {@code HealthSink}; it never picks hosts.
 *
 * <p>The request path is lock-free: per-host atomic counters, written on a success only when they
 * are non-zero, and an interval request/failure count only when failure-percentage ejection is
 * enforced. The lock is taken only when a threshold is crossed and on each interval tick, so the
 * max_ejection_percent check ({@code (ejected + 1) × 100 ≤ percent × hosts}, strict like Envoy:
 * with the default 10 % a cluster of fewer than ten hosts ejects nothing unless
 * {@code always_eject_one_host}) and the enforcement roll see one consistent state.
 *
 * <p>Ejection time follows Envoy: base_ejection_time × a multiplier that grows by one per
 * ejection and shrinks by one per interval the host stays healthy, capped at
 * max(base_ejection_time, max_ejection_time); un-ejection happens on the first tick after it.
 *
 * <p>Not implemented, and refused in the config rather than ignored: success-rate ejection,
 * local-origin failure percentage, max_ejection_time_jitter, monitors and
 * successful_active_health_check_uneject_host. Two Envoy defaults therefore differ silently:
 * Envoy enforces success-rate ejection by default (enforcing_success_rate 100), and un-ejects a
 * host on a successful active health check; Corral does neither. Time and randomness are
 * injected; {@code tick()} is public so tests drive intervals by hand.
 */
@NullMarked
package dev.corral.sidecar.cluster.outlier;

import org.jspecify.annotations.NullMarked;
