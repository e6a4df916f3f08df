package dev.corral.sidecar.stats;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.corral.sidecar.stats.report.ServiceStatsRecorder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Every metric the sidecar exports, declared once in this table. Per-listener and per-cluster
 * views ({@link ListenerStats}, {@link ClusterStats}) hold the labelled data points so the request
 * path never looks a label up.
 */
public final class SidecarMetrics {
  /** Latency buckets in seconds: 0.5 ms … 30 s. */
  private static final double[] LATENCY_BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  /** Per-service counts for the control plane; each {@link ClusterStats} forwards to its service's. */
  private final ServiceStatsRecorder serviceStats;

  public SidecarMetrics() {
    this(ServiceStatsRecorder.create());
  }

  public SidecarMetrics(ServiceStatsRecorder serviceStats) {
    this.serviceStats = serviceStats;
  }

  public ServiceStatsRecorder serviceStats() {
    return serviceStats;
  }

  /** The registry holding every metric above (for tests that check names against docs/metrics.md). */
  public PrometheusRegistry registry() {
    return registry;
  }

  final Counter downstreamRequests = counter("corral_downstream_rq_total",
      "Requests received on a listener, by response class (1xx..5xx).", "listener", "response_class");
  final Histogram downstreamTime = histogram("corral_downstream_rq_time_seconds",
      "Time from the request's headers to the response's end, on a listener.", "listener");
  final Counter downstreamConnections = counter("corral_downstream_cx_total",
      "Connections accepted on a listener.", "listener");
  final Gauge downstreamActiveConnections = gauge("corral_downstream_cx_active",
      "Open downstream connections on a listener.", "listener");
  final Counter downstreamProtocolErrors = counter("corral_downstream_rq_rejected_total",
      "Requests refused before routing (malformed, smuggling shapes, oversized headers), by status.",
      "listener", "code");

  final Counter upstreamRequests = counter("corral_upstream_rq_total",
      "Requests sent to a cluster, by response class (1xx..5xx, or 'reset').", "cluster", "response_class");
  final Histogram upstreamTime = histogram("corral_upstream_rq_time_seconds",
      "Time from sending the request upstream to the response's end.", "cluster");
  final Gauge upstreamActiveRequests = gauge("corral_upstream_rq_active",
      "Requests in flight to a cluster.", "cluster");
  final Counter upstreamConnections = counter("corral_upstream_cx_total",
      "Upstream connections opened by a cluster.", "cluster");
  final Gauge upstreamActiveConnections = gauge("corral_upstream_cx_active",
      "Open upstream connections of a cluster.", "cluster");
  final Counter upstreamConnectFailures = counter("corral_upstream_cx_connect_fail_total",
      "Upstream connection attempts that failed or timed out.", "cluster");
  final Counter upstreamTimeouts = counter("corral_upstream_rq_timeout_total",
      "Requests answered 504 because the route timeout fired.", "cluster");
  final Counter noHealthyUpstream = counter("corral_upstream_rq_no_host_total",
      "Requests answered 503 because the cluster had no host to pick.", "cluster");

  final Counter overflows = counter("corral_upstream_overflow_total",
      "Requests refused by a circuit breaker (503, x-corral-overloaded), by limit: max_requests,"
          + " max_pending_requests, max_connections.", "cluster", "limit");
  final Counter retries = counter("corral_upstream_rq_retry_total",
      "Retries sent, by reason (5xx status, reset, connect-failure, refused-stream, per-try-timeout).",
      "cluster", "reason");
  final Counter retryOverflows = counter("corral_upstream_rq_retry_overflow_total",
      "Retries not sent because the retry budget (or max_retries) was exhausted.", "cluster");
  final Counter retrySuccesses = counter("corral_upstream_rq_retry_success_total",
      "Requests whose retry got a response that was passed on.", "cluster");
  final Counter perTryTimeouts = counter("corral_upstream_rq_per_try_timeout_total",
      "Tries abandoned because per_try_timeout fired.", "cluster");
  final Counter ejections = counter("corral_outlier_ejections_total",
      "Hosts ejected by outlier detection, by detector (consecutive_5xx, consecutive_gateway_failure,"
          + " consecutive_local_origin_failure, failure_percentage).", "cluster", "type");
  final Counter unejections = counter("corral_outlier_unejections_total",
      "Ejected hosts returned to the balancer after their ejection time.", "cluster");
  final Gauge ejectedHosts = gauge("corral_outlier_ejected_hosts",
      "Hosts currently ejected.", "cluster");
  final Counter healthChecks = counter("corral_health_check_total",
      "Active health checks, by result (success, failure).", "cluster", "result");
  final Counter healthTransitions = counter("corral_health_check_transitions_total",
      "Hosts changing health by active checks, by new state (healthy, unhealthy).", "cluster", "to");
  final Gauge healthyHosts = gauge("corral_membership_healthy",
      "Hosts the balancer may pick (no health flag set).", "cluster");
  final Gauge totalHosts = gauge("corral_membership_hosts", "Hosts in the cluster.", "cluster");
  final Counter panicPicks = counter("corral_lb_healthy_panic_total",
      "Picks made over all hosts because the healthy share fell below healthy_panic_threshold.",
      "cluster");

  final Counter collapsed = counter("corral_collapse_total",
      "Requests served by collapsed forwarding, by role: leader (started the shared fetch) or follower"
          + " (joined one).", "cluster", "role");
  final Counter cacheLookups = counter("corral_cache_total",
      "Requests that passed the HTTP cache, by result: hit (answered from memory) or miss (went forward).",
      "cluster", "result");
  final Counter rangeFetches = counter("corral_range_fetch_total",
      "Upstream Range requests made by range coalescing (one per run of missing blocks).", "cluster");
  final Counter rangeFetchBytes = counter("corral_range_fetch_bytes_total",
      "Body bytes received by range coalescing's upstream Range requests.", "cluster");
  final Gauge xdsConnected = gauge("corral_xds_connected",
      "1 while the ADS stream to the control plane is up, else 0.");
  final Counter xdsUpdates = counter("corral_xds_update_total",
      "xDS responses accepted (ACKed), by type (lds, rds, cds, eds).", "type");
  final Counter xdsRejections = counter("corral_xds_rejected_total",
      "xDS responses refused (NACKed) by type; the last good config keeps serving.", "type");

  private Counter counter(String name, String help, String... labels) {
    return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
  }

  private Gauge gauge(String name, String help, String... labels) {
    return Gauge.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
  }

  private Histogram histogram(String name, String help, String... labels) {
    return Histogram.builder().name(name).help(help).labelNames(labels).classicOnly()
        .classicUpperBounds(LATENCY_BOUNDS).withoutExemplars().register(registry);
  }

  public ListenerStats listener(String name) {
    return new ListenerStats(this, name);
  }

  public ClusterStats cluster(String name) {
    return new ClusterStats(this, name);
  }

  public XdsStats xds() {
    return new XdsStats(this);
  }

  /** The Prometheus text exposition of every metric. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }

  static CounterDataPoint[] byClass(Counter counter, String label) {
    CounterDataPoint[] points = new CounterDataPoint[6];
    for (int i = 1; i <= 5; i++) {
      points[i] = counter.labelValues(label, i + "xx");
    }
    points[0] = points[5];
    return points;
  }

  static GaugeDataPoint gaugeOf(Gauge gauge, String label) {
    return gauge.labelValues(label);
  }

  static DistributionDataPoint histogramOf(Histogram histogram, String label) {
    return histogram.labelValues(label);
  }
}
