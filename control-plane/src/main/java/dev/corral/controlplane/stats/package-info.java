/**
 * Stats aggregation (ARCHITECTURE.md, contract 5): every sidecar streams per-service deltas to
 * {@link dev.corral.controlplane.stats.StatsServiceImpl} (mounted on the ADS port, 15010);
 * {@link dev.corral.controlplane.stats.StatsAggregator} adds them into time buckets of the
 * reporting interval and, over a sliding window (30 s by default), derives per-service golden
 * metrics: RPS, success rate, latency percentiles from the merged HdrHistograms (never averaged
 * percentiles), cache hit ratio, collapse ratio, retries per second and ejections.
 * {@link dev.corral.controlplane.stats.StatsJson} renders them for {@code GET /api/v1/stats}.
 * Reports name the reporting sidecar's own service, so outbound entries are also calls between
 * services ({@link dev.corral.controlplane.stats.EdgeSummary}: who calls whom).
 * {@link dev.corral.controlplane.stats.StatsHistory} keeps ten minutes of views for the dashboard
 * ({@code GET /api/v1/stats/history}). {@link dev.corral.controlplane.stats.StatsMetrics} exports
 * counters since start and a latency histogram for Prometheus, which computes rates and quantiles
 * itself (docs/metrics.md).
 *
 * <p>Reports are bucketed by the control plane's receive time, not the sidecar's interval
 * timestamps, so sidecar clock skew cannot move traffic in or out of the window; a catch-up report
 * after an outage lands in the bucket it arrives in.
 */
package dev.corral.controlplane.stats;
