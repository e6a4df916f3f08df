package dev.corral.sidecar.cluster.limits;

import dev.corral.sidecar.bootstrap.ConfigException;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster's circuit breakers (Envoy's {@code circuit_breakers}, default priority): limits on
 * connections, requests waiting for a connection, requests in flight and retries in flight, shared
 * by every event loop. Overflow is refused at once; nothing queues beyond a limit. Retries are
 * capped by a budget (a share of the requests in flight, never below {@code min_retry_concurrency})
 * when one is set, else by {@code max_retries}.
 */
public final class CircuitBreakers {
  /** Envoy's defaults. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;
  public static final int DEFAULT_MAX_PENDING = 1024;
  public static final int DEFAULT_MAX_REQUESTS = 1024;
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final double DEFAULT_BUDGET_PERCENT = 20;
  public static final int DEFAULT_MIN_RETRY_CONCURRENCY = 3;

  private final int maxConnections;
  private final int maxPending;
  private final int maxRequests;
  private final int maxRetries;
  private final double budgetPercent; // < 0: no budget
  private final int minRetryConcurrency;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();

  public CircuitBreakers(int maxConnections, int maxPending, int maxRequests, int maxRetries,
      double budgetPercent, int minRetryConcurrency) {
    this.maxConnections = maxConnections;
    this.maxPending = maxPending;
    this.maxRequests = maxRequests;
    this.maxRetries = maxRetries;
    this.budgetPercent = budgetPercent;
    this.minRetryConcurrency = minRetryConcurrency;
  }

  public static CircuitBreakers defaults() {
    return new CircuitBreakers(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PENDING, DEFAULT_MAX_REQUESTS,
        DEFAULT_MAX_RETRIES, -1, DEFAULT_MIN_RETRY_CONCURRENCY);
  }

  /** From Envoy's message; errors name paths relative to {@code circuit_breakers}. */
  public static CircuitBreakers from(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers proto) {
    if (proto.getThresholdsCount() == 0) {
      return defaults();
    }
    if (proto.getThresholdsCount() > 1 || proto.getThresholds(0).getPriority() != RoutingPriority.DEFAULT) {
      throw new ConfigException("thresholds", "only one entry, for priority DEFAULT, is supported");
    }
    Thresholds t = proto.getThresholds(0);
    double percent = -1;
    int minConcurrency = DEFAULT_MIN_RETRY_CONCURRENCY;
    if (t.hasRetryBudget()) {
      RetryBudget budget = t.getRetryBudget();
      percent = budget.hasBudgetPercent() ? budget.getBudgetPercent().getValue() : DEFAULT_BUDGET_PERCENT;
      if (percent < 0 || percent > 100) {
        throw new ConfigException("thresholds[0].retry_budget.budget_percent", percent + " (expected: 0..100)");
      }
      if (budget.hasMinRetryConcurrency()) {
        minConcurrency = budget.getMinRetryConcurrency().getValue();
      }
    }
    return new CircuitBreakers(
        t.hasMaxConnections() ? t.getMaxConnections().getValue() : DEFAULT_MAX_CONNECTIONS,
        t.hasMaxPendingRequests() ? t.getMaxPendingRequests().getValue() : DEFAULT_MAX_PENDING,
        t.hasMaxRequests() ? t.getMaxRequests().getValue() : DEFAULT_MAX_REQUESTS,
        t.hasMaxRetries() ? t.getMaxRetries().getValue() : DEFAULT_MAX_RETRIES,
        percent, minConcurrency);
  }

  public boolean tryStartRequest() {
    return tryAcquire(requests, maxRequests);
  }

  public void requestDone() {
    requests.decrementAndGet();
  }

  public boolean tryAddPending() {
    return tryAcquire(pending, maxPending);
  }

  public void pendingDone() {
    pending.decrementAndGet();
  }

  public boolean tryOpenConnection() {
    return tryAcquire(connections, maxConnections);
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  /** Admits a retry if the budget (or max_retries) allows one more in flight. */
  public boolean tryStartRetry() {
    int limit = budgetPercent < 0
        ? maxRetries
        : Math.max(minRetryConcurrency, (int) (budgetPercent / 100 * (requests.get() + pending.get())));
    return tryAcquire(retries, limit);
  }

  public void retryDone() {
    retries.decrementAndGet();
  }

  private static boolean tryAcquire(AtomicInteger counter, int limit) {
    while (true) {
      int current = counter.get();
      if (current >= limit) {
        return false;
      }
      if (counter.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  public int maxConnections() {
    return maxConnections;
  }

  /** Gauges for /clusters: requests, pending, connections, retries in flight. */
  public int activeRequests() {
    return requests.get();
  }

  public int pendingRequests() {
    return pending.get();
  }

  public int openConnections() {
    return connections.get();
  }

  public int activeRetries() {
    return retries.get();
  }
}
