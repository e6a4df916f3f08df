/**
 * Per-service stats for the control plane (ARCHITECTURE.md, contract 5).
 *
 * <p>{@link dev.corral.sidecar.stats.report.ServiceStatsRecorder} counts, per service and
 * direction, what the request path tells it: each finished exchange (status class and end-to-end
 * latency, as the caller saw it, after retries), each retry, each ejection, cache and collapse
 * outcomes. Counters are {@code LongAdder}s and latency goes into an HdrHistogram {@code Recorder},
 * so the request path never locks. A cluster's name is mapped to its service by a
 * {@link dev.corral.sidecar.stats.report.ServiceNaming}; clusters of one service share counters.
 *
 * <p>{@link dev.corral.sidecar.stats.report.StatsReporter} drains the recorder every interval into
 * a {@code corral.v1alpha1.StatsReport} of deltas and streams it to the control plane's
 * {@code StatsService}. A report stays pending until it is acknowledged; while the control plane
 * is away the deltas keep accumulating (counts add, histograms merge) and go out in one report
 * when the stream is back. Delivery is at least once: an ack lost with the stream counts an
 * interval twice, which for golden metrics is preferable to a gap.
 *
 * <p>The sidecar finds the control plane through the bootstrap's node metadata key
 * {@code corral.stats_address} ({@code host:port}); {@code corral.stats_interval} (a duration
 * such as {@code "5s"}) sets the interval. Without the address nothing is reported. See
 * docs/bootstrap.md.
 */
package dev.corral.sidecar.stats.report;
