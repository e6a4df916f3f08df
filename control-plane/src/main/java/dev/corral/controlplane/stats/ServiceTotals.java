package dev.corral.controlplane.stats;

import org.HdrHistogram.Histogram;

/**
 * One service's counters in one direction since the control plane started: what the Prometheus
 * counters and the latency histogram export ({@link StatsMetrics}).
 *
 * @param responses1xx requests that ended without a final status class counted (upgrades)
 * @param latencyMicros a copy of the merged latency histogram, in microseconds
 */
public record ServiceTotals(
    String service,
    String direction,
    long responses1xx,
    long responses2xx,
    long responses3xx,
    long responses4xx,
    long responses5xx,
    long retries,
    long cacheHits,
    long cacheMisses,
    long collapsedLeaders,
    long collapsedFollowers,
    long ejections,
    Histogram latencyMicros) {
}
