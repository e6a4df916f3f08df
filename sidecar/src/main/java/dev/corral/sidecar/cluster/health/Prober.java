package dev.corral.sidecar.cluster.health;

import dev.corral.sidecar.cluster.Host;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one health check against one host. The checker applies the timeout: it cancels the
 * returned future when the time is up, and the prober then releases what it holds (closes the
 * connection). A future completed exceptionally counts as a network failure.
 */
@FunctionalInterface
interface Prober {
  CompletableFuture<HealthChecker.CheckResult> probe(Host host);

  /** {@code host} is no longer checked: release what is kept for it (a reused connection). */
  default void forget(Host host) {}
}
