package dev.corral.controlplane.stats;

import org.jspecify.annotations.Nullable;

/**
 * One service's golden metrics in one direction over the aggregation window. A ratio or
 * percentile is null when nothing was counted for it.
 *
 * @param requests requests that ended in the window
 * @param rps requests per second over the window
 * @param errors 5xx responses among them
 * @param successRate non-5xx responses / requests
 * @param p50Ms latency percentiles in milliseconds, from the merged histograms of every sidecar
 * @param cacheHitRatio hits / (hits + misses)
 * @param collapseRatio collapsed followers / (leaders + followers)
 * @param ejections hosts ejected by outlier detection in the window, summed over sidecars
 * @param sidecars sidecars that reported this service in the window
 */
public record ServiceSummary(
    String service,
    String direction,
    long requests,
    double rps,
    long errors,
    @Nullable Double successRate,
    @Nullable Double p50Ms,
    @Nullable Double p95Ms,
    @Nullable Double p99Ms,
    @Nullable Double cacheHitRatio,
    @Nullable Double collapseRatio,
    long retries,
    double retriesPerSecond,
    long ejections,
    int sidecars) {
}
