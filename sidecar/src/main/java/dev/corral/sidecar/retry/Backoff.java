package dev.corral.sidecar.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Envoy's retry back-off: exponential from {@code base}, capped at {@code max} (default 10 ×
 * base), with full jitter: the wait before retry n is uniform in [0, min(max, base × 2^(n-1))].
 */
public record Backoff(Duration base, Duration max) {
  public static final Duration DEFAULT_BASE = Duration.ofMillis(25);

  public Backoff {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("base: " + base + " (expected: > 0)");
    }
    if (max.compareTo(base) < 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= base " + base + ")");
    }
  }

  public static Backoff exponential(Duration base, Duration max) {
    return new Backoff(base, max);
  }

  public static Backoff defaults() {
    return new Backoff(DEFAULT_BASE, DEFAULT_BASE.multipliedBy(10));
  }

  /** Nanoseconds to wait before retry number {@code retry} (1 for the first retry). */
  public long delayNanos(int retry, RandomGenerator random) {
    long ceiling = base.toNanos();
    for (int i = 1; i < retry && ceiling < max.toNanos(); i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, max.toNanos());
    return random.nextLong(ceiling + 1);
  }
}
