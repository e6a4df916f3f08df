package dev.corral.sidecar.xds;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before reconnecting to the control plane: exponential from {@code base},
 * capped at {@code max}, with "equal jitter" (uniform in [ceiling/2, ceiling]) so a fleet of
 * sidecars does not reconnect in step, yet never hammers a control plane that is away.
 */
public record ReconnectBackoff(Duration base, Duration max) {
  public ReconnectBackoff {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("base: " + base + " (expected: > 0)");
    }
    if (max.compareTo(base) < 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= base " + base + ")");
    }
  }

  /** 0.5 s doubling up to 30 s. */
  public static ReconnectBackoff defaults() {
    return new ReconnectBackoff(Duration.ofMillis(500), Duration.ofSeconds(30));
  }

  /** Nanoseconds before reconnect attempt {@code attempt} (1 after the first failure). */
  public long delayNanos(int attempt, RandomGenerator random) {
    long ceiling = base.toNanos();
    for (int i = 1; i < attempt && ceiling < max.toNanos(); i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, max.toNanos());
    return ceiling / 2 + random.nextLong(ceiling / 2 + 1);
  }
}
