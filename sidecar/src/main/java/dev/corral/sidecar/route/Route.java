package dev.corral.sidecar.route;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.corral.sidecar.filter.RouteFilters;
import dev.corral.sidecar.retry.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One compiled route action: where a matched request goes (a cluster, or one of weighted
 * clusters), its timeout, and how to hash it for consistent-hash balancing.
 */
public final class Route {
  /** Envoy's default when a route sets no timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  private final String virtualHostName;
  private final String[] clusters;
  private final long[] cumulativeWeights; // empty: a single cluster
  private final Duration timeout;
  private final List<HashPolicy> hashPolicies;
  private final RetryPolicy retryPolicy;
  private final RouteFilters filters;

  Route(String virtualHostName, List<String> clusters, List<Long> weights, Duration timeout,
      List<HashPolicy> hashPolicies, RetryPolicy retryPolicy) {
    this(virtualHostName, clusters, weights, timeout, hashPolicies, retryPolicy, RouteFilters.NONE);
  }

  Route(String virtualHostName, List<String> clusters, List<Long> weights, Duration timeout,
      List<HashPolicy> hashPolicies, RetryPolicy retryPolicy, RouteFilters filters) {
    this.filters = requireNonNull(filters, "filters");
    this.virtualHostName = virtualHostName;
    this.clusters = clusters.toArray(String[]::new);
    this.cumulativeWeights = new long[weights.size()];
    long sum = 0;
    for (int i = 0; i < weights.size(); i++) {
      sum += weights.get(i);
      cumulativeWeights[i] = sum;
    }
    this.timeout = timeout;
    this.hashPolicies = ImmutableList.copyOf(hashPolicies);
    this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy");
  }

  /** This route's {@code typed_per_filter_config}: cache and collapse overrides. */
  public RouteFilters filters() {
    return filters;
  }

  Route withFilters(RouteFilters newFilters) {
    return new Route(this, newFilters);
  }

  private Route(Route r, RouteFilters filters) {
    this.virtualHostName = r.virtualHostName;
    this.clusters = r.clusters;
    this.cumulativeWeights = r.cumulativeWeights;
    this.timeout = r.timeout;
    this.hashPolicies = r.hashPolicies;
    this.retryPolicy = r.retryPolicy;
    this.filters = requireNonNull(filters, "filters");
  }

  /** The route's {@code retry_policy}; {@link RetryPolicy#none()} when it has none. */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** The name of the virtual host this route belongs to. */
  public String virtualHostName() {
    return virtualHostName;
  }

  /** Every cluster this route may send to. */
  public Set<String> clusterNames() {
    return ImmutableSet.copyOf(clusters);
  }

  /** The cluster for one request: the only one, or one of the weighted clusters by weight. */
  public String pickCluster(RandomGenerator random) {
    if (clusters.length == 1) {
      return clusters[0];
    }
    long total = cumulativeWeights[cumulativeWeights.length - 1];
    long r = random.nextLong(total);
    for (int i = 0; i < cumulativeWeights.length; i++) {
      if (r < cumulativeWeights[i]) {
        return clusters[i];
      }
    }
    throw new AssertionError("weights sum to " + total);
  }

  /** The whole-request timeout; {@link Duration#ZERO} means none. */
  public Duration timeout() {
    return timeout;
  }

  /** Whether this route has a hash policy at all. */
  public boolean hasHashPolicy() {
    return !hashPolicies.isEmpty();
  }

  /** Evaluates the hash policies, generating sticky cookie values from a thread-local random. */
  public HashResult hash(RequestHead head) {
    return hash(head, ThreadLocalRandom.current());
  }

  /**
   * Evaluates the hash policies in order, Envoy-style: each hash is combined with the previous
   * ones (rotate left by one, then xor), and evaluation stops after a {@code terminal} policy
   * that produced a hash.
   */
  public HashResult hash(RequestHead head, RandomGenerator random) {
    requireNonNull(head, "head");
    if (hashPolicies.isEmpty()) {
      return HashResult.none();
    }
    boolean present = false;
    long hash = 0;
    @Nullable String setCookie = null;
    for (HashPolicy policy : hashPolicies) {
      HashPolicy.Hashed h = policy.evaluate(head, random);
      if (h != null) {
        hash = present ? Long.rotateLeft(hash, 1) ^ h.hash() : h.hash();
        present = true;
        if (setCookie == null) {
          setCookie = h.setCookie();
        }
      }
      if (policy.terminal() && present) {
        break;
      }
    }
    return present ? new HashResult(true, hash, setCookie) : HashResult.none();
  }

  @Override
  public String toString() {
    return "Route{virtualHost=" + virtualHostName + ", clusters=" + List.of(clusters) + "}";
  }
}
