package dev.corral.controlplane.stats;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The mesh-wide per-service metrics, merged from every sidecar's reports, in Prometheus form:
 * counters since the control plane started and a latency histogram, labelled {@code service},
 * {@code namespace} and {@code direction}, so PromQL computes rates, ratios and quantiles
 * ({@code rate()}, {@code histogram_quantile()}) over any window. Every name is declared here, once
 * (docs/metrics.md lists them).
 */
public final class StatsMetrics implements MultiCollector {
  public static final String REQUESTS = "corral_service_requests"; // _total is appended
  public static final String DURATION = "corral_service_request_duration_seconds";
  public static final String RETRIES = "corral_service_retries";
  public static final String CACHE_LOOKUPS = "corral_service_cache_lookups";
  public static final String COLLAPSED = "corral_service_collapsed_requests";
  public static final String EJECTIONS = "corral_service_ejections";
  public static final String REPORTING_SIDECARS = "corral_stats_reporting_sidecars";
  public static final String REJECTED_ENTRIES = "corral_stats_rejected_entries";

  /** Latency bucket bounds in seconds: the sidecar's, 0.5 ms … 30 s. */
  static final double[] LATENCY_BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, Double.POSITIVE_INFINITY
  };
  /** {@code name.namespace.svc[.cluster-domain]}: Kubernetes service names carry their namespace. */
  private static final Pattern SERVICE_FQDN = Pattern.compile("^[^.]+\\.([^.]+)\\.svc(\\..*)?$");

  private final StatsAggregator aggregator;

  private StatsMetrics(StatsAggregator aggregator) {
    this.aggregator = aggregator;
  }

  /** Registers the metrics in {@code registry}; they are computed from {@code aggregator} at scrape time. */
  public static StatsMetrics register(PrometheusRegistry registry, StatsAggregator aggregator) {
    requireNonNull(registry, "registry");
    StatsMetrics metrics = new StatsMetrics(requireNonNull(aggregator, "aggregator"));
    registry.register(metrics);
    return metrics;
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(REQUESTS, DURATION, RETRIES, CACHE_LOOKUPS, COLLAPSED, EJECTIONS, REPORTING_SIDECARS,
        REJECTED_ENTRIES);
  }

  @Override
  public MetricSnapshots collect() {
    List<ServiceTotals> totals = aggregator.sinceStart();
    CounterSnapshot.Builder requests = CounterSnapshot.builder().name(REQUESTS)
        .help("Requests that ended, as the callers (outbound) or the servers (inbound) saw them, by"
            + " response class; local replies and resets count as 5xx.");
    HistogramSnapshot.Builder duration = HistogramSnapshot.builder().name(DURATION)
        .help("Request latency from the request's head to the response's end, merged from every sidecar.");
    CounterSnapshot.Builder retries = CounterSnapshot.builder().name(RETRIES).help("Retries sent.");
    CounterSnapshot.Builder cache = CounterSnapshot.builder().name(CACHE_LOOKUPS)
        .help("Requests that passed an HTTP cache, by result: hit or miss.");
    CounterSnapshot.Builder collapsed = CounterSnapshot.builder().name(COLLAPSED)
        .help("Collapsed forwarding, by role: leader (went upstream with followers waiting) or follower"
            + " (answered with the leader's response).");
    CounterSnapshot.Builder ejections = CounterSnapshot.builder().name(EJECTIONS)
        .help("Hosts ejected by outlier detection, summed over sidecars.");
    for (ServiceTotals t : totals) {
      Labels labels = Labels.of("direction", t.direction(), "namespace", namespaceOf(t.service()),
          "service", t.service());
      long[] byClass = {t.responses1xx(), t.responses2xx(), t.responses3xx(), t.responses4xx(), t.responses5xx()};
      for (int i = 0; i < byClass.length; i++) {
        if (byClass[i] > 0 || i == 1 || i == 4) { // 2xx and 5xx always, so ratios have both sides
          requests.dataPoint(counter(labels.add("response_class", (i + 1) + "xx"), byClass[i]));
        }
      }
      duration.dataPoint(histogram(labels, t.latencyMicros()));
      retries.dataPoint(counter(labels, t.retries()));
      cache.dataPoint(counter(labels.add("result", "hit"), t.cacheHits()));
      cache.dataPoint(counter(labels.add("result", "miss"), t.cacheMisses()));
      collapsed.dataPoint(counter(labels.add("role", "leader"), t.collapsedLeaders()));
      collapsed.dataPoint(counter(labels.add("role", "follower"), t.collapsedFollowers()));
      ejections.dataPoint(counter(labels, t.ejections()));
    }
    GaugeSnapshot sidecars = GaugeSnapshot.builder().name(REPORTING_SIDECARS)
        .help("Sidecars that reported stats during the stats window.")
        .dataPoint(GaugeDataPointSnapshot.builder().value(aggregator.view().sidecars()).build())
        .build();
    CounterSnapshot rejected = CounterSnapshot.builder().name(REJECTED_ENTRIES)
        .help("Entries of stats reports skipped as malformed (no service, unknown direction, bad histogram).")
        .dataPoint(CounterDataPointSnapshot.builder().value(aggregator.rejected()).build())
        .build();
    return MetricSnapshots.of(requests.build(), duration.build(), retries.build(), cache.build(),
        collapsed.build(), ejections.build(), sidecars, rejected);
  }

  /** The namespace of a Kubernetes service name ({@code images.shop.svc.cluster.local} → {@code shop}), else "". */
  static String namespaceOf(String service) {
    Matcher m = SERVICE_FQDN.matcher(service);
    return m.matches() ? m.group(1) : "";
  }

  private static CounterDataPointSnapshot counter(Labels labels, long value) {
    return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  /** Classic buckets from the merged HdrHistogram (microseconds): per-bucket counts, not cumulative. */
  private static HistogramDataPointSnapshot histogram(Labels labels, Histogram micros) {
    long[] counts = new long[LATENCY_BOUNDS.length];
    long below = 0;
    for (int i = 0; i < LATENCY_BOUNDS.length - 1; i++) {
      long upTo = micros.getTotalCount() == 0 ? 0
          : micros.getCountBetweenValues(0, (long) (LATENCY_BOUNDS[i] * 1_000_000));
      counts[i] = upTo - below;
      below = upTo;
    }
    counts[counts.length - 1] = micros.getTotalCount() - below;
    double sumSeconds = micros.getTotalCount() == 0 ? 0 : micros.getMean() * micros.getTotalCount() / 1e6;
    return HistogramDataPointSnapshot.builder().labels(labels)
        .classicHistogramBuckets(ClassicHistogramBuckets.of(LATENCY_BOUNDS, counts))
        .sum(sumSeconds).build();
  }
}
