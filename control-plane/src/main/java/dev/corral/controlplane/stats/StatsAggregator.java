package dev.corral.controlplane.stats;

import static java.util.Objects.requireNonNull;

import dev.corral.api.proto.ServiceStats;
import dev.corral.api.proto.StatsReport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges stats reports from every sidecar into per-service golden metrics over a sliding window,
 * kept as buckets of the report interval. Thread-safe; time comes from the injected clock.
 */
public final class StatsAggregator {
  private static final Logger log = LoggerFactory.getLogger(StatsAggregator.class);
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);
  public static final Duration DEFAULT_BUCKET = Duration.ofSeconds(5);
  /** Latency histograms larger than this (compressed) are refused. */
  static final int MAX_HISTOGRAM_BYTES = 256 * 1024;

  private final Duration window;
  private final long bucketMillis;
  private final int bucketCount;
  private final LongSupplier clockMillis;
  private final ArrayDeque<Bucket> buckets = new ArrayDeque<>();
  private long rejected;

  private StatsAggregator(Duration window, Duration bucket, LongSupplier clockMillis) {
    requireNonNull(window, "window");
    requireNonNull(bucket, "bucket");
    this.clockMillis = requireNonNull(clockMillis, "clockMillis");
    if (bucket.toMillis() <= 0) {
      throw new IllegalArgumentException("bucket: " + bucket + " (expected: >= 1ms)");
    }
    if (window.compareTo(bucket) < 0) {
      throw new IllegalArgumentException("window: " + window + " (expected: >= bucket " + bucket + ")");
    }
    this.bucketMillis = bucket.toMillis();
    this.bucketCount = (int) ((window.toMillis() + bucketMillis - 1) / bucketMillis);
    this.window = Duration.ofMillis(bucketCount * bucketMillis);
  }

  /**
   * An aggregator over {@code window}, rounded up to whole buckets of {@code bucket} (the sidecars'
   * report interval); {@code clockMillis} gives the time in Unix milliseconds.
   */
  public static StatsAggregator create(Duration window, Duration bucket, LongSupplier clockMillis) {
    return new StatsAggregator(window, bucket, clockMillis);
  }

  /** 30 s in 5 s buckets, on the system clock. */
  public static StatsAggregator create() {
    return create(DEFAULT_WINDOW, DEFAULT_BUCKET, System::currentTimeMillis);
  }

  public Duration window() {
    return window;
  }

  /**
   * Adds one sidecar's report. Entries that make no sense (unknown direction, no service, a
   * histogram that does not decode) are skipped and counted; the rest of the report still counts.
   */
  public synchronized void add(StatsReport report) {
    long now = clockMillis.getAsLong();
    Bucket bucket = current(now);
    bucket.nodes.add(report.getNodeId());
    for (ServiceStats stats : report.getServicesList()) {
      if (stats.getService().isEmpty()
          || !(stats.getDirection().equals("outbound") || stats.getDirection().equals("inbound"))) {
        reject(report, "service \"" + stats.getService() + "\", direction \"" + stats.getDirection() + "\"");
        continue;
      }
      Histogram latency = null;
      if (!stats.getLatencyHistogram().isEmpty()) {
        latency = decode(report, stats);
      }
      Totals totals = bucket.services.computeIfAbsent(new Key(stats.getService(), stats.getDirection()),
          key -> new Totals());
      totals.add(stats, latency);
      totals.nodes.add(report.getNodeId());
    }
  }

  private @Nullable Histogram decode(StatsReport report, ServiceStats stats) {
    if (stats.getLatencyHistogram().size() > MAX_HISTOGRAM_BYTES) {
      reject(report, stats.getService() + ": latency histogram of " + stats.getLatencyHistogram().size() + " bytes");
      return null;
    }
    try {
      return Histogram.decodeFromCompressedByteBuffer(stats.getLatencyHistogram().asReadOnlyByteBuffer(), 0);
    } catch (Exception e) {
      reject(report, stats.getService() + ": latency histogram does not decode: " + e);
      return null;
    }
  }

  private void reject(StatsReport report, String what) {
    if (rejected++ == 0) {
      log.warn("stats report from {}: skipped {} (further skips are only counted)", report.getNodeId(), what);
    }
  }

  /** Report entries skipped as malformed so far. */
  public synchronized long rejected() {
    return rejected;
  }

  /** The golden metrics of every service seen in the window ending now. */
  public StatsView view() {
    return view(window);
  }

  /**
   * The golden metrics over the last {@code span}, rounded up to whole buckets: a shorter view of
   * the same buckets (a longer one cannot be answered: older buckets are gone).
   *
   * @throws IllegalArgumentException when {@code span} is longer than {@link #window()} or not positive
   */
  public synchronized StatsView view(Duration span) {
    requireNonNull(span, "span");
    if (span.isNegative() || span.isZero() || span.compareTo(window) > 0) {
      throw new IllegalArgumentException("window: " + span + " (expected: > 0 and <= " + window + ")");
    }
    int spanBuckets = (int) ((span.toMillis() + bucketMillis - 1) / bucketMillis);
    long now = clockMillis.getAsLong();
    long nowIndex = now / bucketMillis;
    evict(nowIndex);
    Map<Key, Totals> sums = new HashMap<>();
    Set<String> nodes = new HashSet<>();
    for (Bucket bucket : buckets) {
      if (bucket.index <= nowIndex - spanBuckets) {
        continue;
      }
      nodes.addAll(bucket.nodes);
      bucket.services.forEach((key, totals) -> sums.computeIfAbsent(key, k -> new Totals()).merge(totals));
    }
    Duration viewed = Duration.ofMillis(spanBuckets * bucketMillis);
    double seconds = viewed.toMillis() / 1000.0;
    List<ServiceSummary> services = new ArrayList<>(sums.size());
    sums.forEach((key, totals) -> services.add(totals.summary(key, seconds)));
    services.sort(Comparator.comparing(ServiceSummary::service).thenComparing(ServiceSummary::direction));
    return new StatsView(now, viewed, nodes.size(), services);
  }

  private Bucket current(long now) {
    long index = now / bucketMillis;
    evict(index);
    Bucket last = buckets.peekLast();
    if (last != null && last.index >= index) {
      return last; // the clock may step back a little: keep adding to the newest bucket
    }
    Bucket bucket = new Bucket(index);
    buckets.addLast(bucket);
    return bucket;
  }

  /** Drops buckets that fell out of the window ending in bucket {@code index}. */
  private void evict(long index) {
    while (!buckets.isEmpty() && buckets.peekFirst().index <= index - bucketCount) {
      buckets.removeFirst();
    }
  }

  private record Key(String service, String direction) {
  }

  private static final class Bucket {
    final long index;
    final Map<Key, Totals> services = new HashMap<>();
    final Set<String> nodes = new HashSet<>();

    Bucket(long index) {
      this.index = index;
    }
  }

  /** Sums of one service's counters; the latency histogram resizes to whatever it is given. */
  private static final class Totals {
    long requests;
    long r2xx;
    long r3xx;
    long r4xx;
    long r5xx;
    long retries;
    long cacheHits;
    long cacheMisses;
    long followers;
    long leaders;
    long ejections;
    final Histogram latency = new Histogram(2);
    final Set<String> nodes = new HashSet<>();

    void add(ServiceStats s, @Nullable Histogram histogram) {
      requests += s.getRequests();
      r2xx += s.getResponses2Xx();
      r3xx += s.getResponses3Xx();
      r4xx += s.getResponses4Xx();
      r5xx += s.getResponses5Xx();
      retries += s.getRetries();
      cacheHits += s.getCacheHits();
      cacheMisses += s.getCacheMisses();
      followers += s.getCollapsedFollowers();
      leaders += s.getCollapsedLeaders();
      ejections += s.getEjections();
      if (histogram != null) {
        latency.add(histogram);
      }
    }

    void merge(Totals t) {
      requests += t.requests;
      r2xx += t.r2xx;
      r3xx += t.r3xx;
      r4xx += t.r4xx;
      r5xx += t.r5xx;
      retries += t.retries;
      cacheHits += t.cacheHits;
      cacheMisses += t.cacheMisses;
      followers += t.followers;
      leaders += t.leaders;
      ejections += t.ejections;
      latency.add(t.latency);
      nodes.addAll(t.nodes);
    }

    ServiceSummary summary(Key key, double seconds) {
      boolean timed = latency.getTotalCount() > 0;
      return new ServiceSummary(key.service(), key.direction(), requests, requests / seconds,
          Math.min(requests, r5xx),
          ratio(requests - Math.min(requests, r5xx), requests),
          timed ? percentileMs(50) : null,
          timed ? percentileMs(95) : null,
          timed ? percentileMs(99) : null,
          ratio(cacheHits, cacheHits + cacheMisses),
          ratio(followers, followers + leaders),
          retries, retries / seconds, ejections, nodes.size());
    }

    private double percentileMs(double percentile) {
      return latency.getValueAtPercentile(percentile) / 1000.0;
    }

    private static @Nullable Double ratio(long part, long whole) {
      return whole <= 0 ? null : (double) part / whole;
    }
  }
}
