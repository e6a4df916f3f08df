package dev.corral.sidecar.cluster;

/**
 * A host's peak-sensitive exponentially weighted moving average of response time (Finagle's and
 * Linkerd's peak EWMA): a slower sample replaces the estimate at once, faster ones decay it with
 * time constant {@link #DECAY_NANOS}. Updates race benignly: a lost sample only delays the estimate.
 */
public final class LatencyEstimate {
  /** Decay time constant: how long a latency peak keeps influencing picks. */
  public static final long DECAY_NANOS = 10_000_000_000L;

  private volatile double ewmaNanos;
  private volatile long stampNanos;

  /** Records one observed round trip ending at {@code nowNanos}. */
  public void observe(long rttNanos, long nowNanos) {
    double prev = ewmaNanos;
    if (rttNanos > prev) {
      ewmaNanos = rttNanos;
    } else {
      long elapsed = Math.max(0, nowNanos - stampNanos);
      double w = Math.exp(-(double) elapsed / DECAY_NANOS);
      ewmaNanos = prev * w + rttNanos * (1 - w);
    }
    stampNanos = nowNanos;
  }

  /** The current estimate in nanoseconds; 0 until the first sample. */
  public double nanos() {
    return ewmaNanos;
  }

  /**
   * The estimate as seen at {@code nowNanos}: decayed toward zero with time constant {@code
   * decayNanos} since the last sample, as tower's peak EWMA reads it, so that a host which was slow
   * and then stopped getting traffic becomes worth probing again; 0 until the first sample.
   */
  public double nanos(long nowNanos, long decayNanos) {
    double ewma = ewmaNanos;
    long elapsed = nowNanos - stampNanos;
    return elapsed <= 0 ? ewma : ewma * Math.exp(-(double) elapsed / decayNanos);
  }
}
