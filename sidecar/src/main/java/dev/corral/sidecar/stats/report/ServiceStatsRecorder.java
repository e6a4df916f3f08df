package dev.corral.sidecar.stats.report;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts, per service and direction, what the request path reports, for {@link StatsReporter} to
 * drain as deltas. Thread-safe and lock-free on the request path; {@link #drainInto} is called from
 * one thread at a time.
 */
public final class ServiceStatsRecorder {
  /** Latency is recorded in microseconds, 1 µs .. 60 s, with 2 significant digits (1% error). */
  static final long HIGHEST_LATENCY_MICROS = TimeUnit.SECONDS.toMicros(60);
  static final int SIGNIFICANT_DIGITS = 2;

  private final ServiceNaming naming;
  private final ConcurrentHashMap<String, Counters> byCluster = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ServiceKey, Counters> byService = new ConcurrentHashMap<>();

  private ServiceStatsRecorder(ServiceNaming naming) {
    this.naming = requireNonNull(naming, "naming");
  }

  public static ServiceStatsRecorder create(ServiceNaming naming) {
    return new ServiceStatsRecorder(naming);
  }

  /** A recorder that counts each cluster as an outbound service of its own name. */
  public static ServiceStatsRecorder create() {
    return create(ServiceNaming.identity());
  }

  /**
   * The counters of the service that {@code cluster} belongs to; resolve once and keep them so the
   * request path does no lookups. Clusters of one service share counters.
   */
  public Counters forCluster(String cluster) {
    Counters counters = byCluster.get(cluster);
    return counters != null ? counters
        : byCluster.computeIfAbsent(cluster, name -> forService(naming.serviceOf(name)));
  }

  public Counters forService(ServiceKey service) {
    return byService.computeIfAbsent(service, Counters::new);
  }

  /** An exchange routed to {@code cluster} ended with {@code status} after {@code latencyNanos}. */
  public void requestDone(String cluster, int status, long latencyNanos) {
    forCluster(cluster).requestDone(status, latencyNanos);
  }

  public void retry(String cluster) {
    forCluster(cluster).retry();
  }

  public void ejection(String cluster) {
    forCluster(cluster).ejection();
  }

  /** Moves everything counted since the last drain into {@code delta}: counts add, histograms merge. */
  void drainInto(StatsDelta delta) {
    for (Counters counters : byService.values()) {
      counters.drainInto(delta);
    }
  }

  /** One service's counters, in one direction. */
  public static final class Counters {
    private final ServiceKey service;
    private final LongAdder[] counts = new LongAdder[Count.ALL.length];
    private final Recorder latency =
        new Recorder(1, HIGHEST_LATENCY_MICROS, SIGNIFICANT_DIGITS);
    /** Reused by {@link #drainInto}, which runs on one thread at a time. */
    private Histogram interval;

    Counters(ServiceKey service) {
      this.service = service;
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    public ServiceKey service() {
      return service;
    }

    /**
     * An exchange ended, as the caller saw it: {@code status} is the status sent downstream (local
     * replies included), {@code latencyNanos} the time from the request's head to the response's end.
     */
    public void requestDone(int status, long latencyNanos) {
      counts[Count.REQUESTS.ordinal()].increment();
      switch (status / 100) {
        case 2 -> counts[Count.RESPONSES_2XX.ordinal()].increment();
        case 3 -> counts[Count.RESPONSES_3XX.ordinal()].increment();
        case 4 -> counts[Count.RESPONSES_4XX.ordinal()].increment();
        case 1 -> { } // an upgrade: neither a success class nor an error
        default -> counts[Count.RESPONSES_5XX.ordinal()].increment();
      }
      long micros = Math.max(1, Math.min(HIGHEST_LATENCY_MICROS, TimeUnit.NANOSECONDS.toMicros(latencyNanos)));
      latency.recordValue(micros);
    }

    /** A retry was sent. */
    public void retry() {
      counts[Count.RETRIES.ordinal()].increment();
    }

    /** Outlier detection ejected a host of this service. */
    public void ejection() {
      counts[Count.EJECTIONS.ordinal()].increment();
    }

    public void cacheHit() {
      counts[Count.CACHE_HITS.ordinal()].increment();
    }

    public void cacheMiss() {
      counts[Count.CACHE_MISSES.ordinal()].increment();
    }

    /** A request was answered with another request's response. */
    public void collapsedFollower() {
      counts[Count.COLLAPSED_FOLLOWERS.ordinal()].increment();
    }

    /** A request went upstream with at least one follower waiting on it. */
    public void collapsedLeader() {
      counts[Count.COLLAPSED_LEADERS.ordinal()].increment();
    }

    void drainInto(StatsDelta delta) {
      interval = latency.getIntervalHistogram(interval);
      long[] drained = new long[counts.length];
      boolean any = interval.getTotalCount() > 0;
      for (int i = 0; i < counts.length; i++) {
        drained[i] = counts[i].sumThenReset();
        any |= drained[i] != 0;
      }
      if (any) {
        delta.add(service, drained, interval);
      }
    }
  }
}
