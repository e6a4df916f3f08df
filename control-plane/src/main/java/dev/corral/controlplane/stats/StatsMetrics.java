package dev.corral.controlplane.stats;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The aggregated golden metrics as Prometheus gauges, labelled by service and direction, computed
 * from the aggregator's window at scrape time. Every metric name is declared here, once.
 */
public final class StatsMetrics {
  private final StatsAggregator aggregator;
  /** The view of the scrape in progress: one computation serves every gauge of a scrape. */
  private volatile @Nullable StatsView cached;
  private volatile long cachedAtNanos;

  private StatsMetrics(StatsAggregator aggregator) {
    this.aggregator = aggregator;
  }

  /** Registers the gauges in {@code registry}. */
  public static StatsMetrics register(PrometheusRegistry registry, StatsAggregator aggregator) {
    requireNonNull(registry, "registry");
    StatsMetrics metrics = new StatsMetrics(requireNonNull(aggregator, "aggregator"));
    metrics.perService(registry, "corral_service_requests_per_second",
        "Requests per second over the stats window.", ServiceSummary::rps);
    metrics.perServiceNullable(registry, "corral_service_success_rate",
        "Share of responses that were not 5xx over the stats window.", ServiceSummary::successRate);
    metrics.perServiceNullable(registry, "corral_service_cache_hit_ratio",
        "Cache hits / (hits + misses) over the stats window.", ServiceSummary::cacheHitRatio);
    metrics.perServiceNullable(registry, "corral_service_collapse_ratio",
        "Collapsed followers / (leaders + followers) over the stats window.", ServiceSummary::collapseRatio);
    metrics.perService(registry, "corral_service_retries_per_second",
        "Retries per second over the stats window.", ServiceSummary::retriesPerSecond);
    metrics.perService(registry, "corral_service_ejections",
        "Hosts ejected by outlier detection during the stats window, summed over sidecars.",
        s -> s.ejections());
    GaugeWithCallback.builder().name("corral_service_latency_seconds")
        .help("Request latency percentiles over the stats window, from the merged histograms of every sidecar.")
        .labelNames("service", "direction", "quantile")
        .callback(callback -> metrics.each(s -> {
          observe(s.p50Ms(), v -> callback.call(v / 1000, s.service(), s.direction(), "0.5"));
          observe(s.p95Ms(), v -> callback.call(v / 1000, s.service(), s.direction(), "0.95"));
          observe(s.p99Ms(), v -> callback.call(v / 1000, s.service(), s.direction(), "0.99"));
        }))
        .register(registry);
    GaugeWithCallback.builder().name("corral_stats_reporting_sidecars")
        .help("Sidecars that reported stats during the stats window.")
        .callback(callback -> callback.call(metrics.view().sidecars()))
        .register(registry);
    return metrics;
  }

  private void perService(PrometheusRegistry registry, String name, String help,
      ToDoubleFunction<ServiceSummary> value) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("service", "direction")
        .callback(callback -> each(s -> callback.call(value.applyAsDouble(s), s.service(), s.direction())))
        .register(registry);
  }

  private void perServiceNullable(PrometheusRegistry registry, String name, String help,
      java.util.function.Function<ServiceSummary, @Nullable Double> value) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("service", "direction")
        .callback(callback -> each(s -> observe(value.apply(s), v -> callback.call(v, s.service(), s.direction()))))
        .register(registry);
  }

  private static void observe(@Nullable Double value, Consumer<Double> sink) {
    if (value != null) {
      sink.accept(value);
    }
  }

  private void each(Consumer<ServiceSummary> action) {
    view().services().forEach(action);
  }

  /** One view per scrape: reused for a second, which covers every gauge of one scrape. */
  private StatsView view() {
    StatsView view = cached;
    long now = System.nanoTime();
    if (view == null || now - cachedAtNanos > 1_000_000_000L) {
      view = aggregator.view();
      cached = view;
      cachedAtNanos = now;
    }
    return view;
  }
}
