package dev.corral.sidecar.cluster.lb;

import static java.util.Objects.requireNonNull;

import com.google.common.math.LongMath;
import dev.corral.sidecar.bootstrap.ConfigException;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LatencyEstimate;
import dev.corral.sidecar.cluster.LoadBalancer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The sidecar's load-balancing algorithms, as factories of per-event-loop balancers.
 *
 * <p>A factory is shared by the event loops of a cluster, and so is the {@link RandomGenerator}
 * given to it: pass one that is safe to use from several threads, such as {@link
 * ThreadLocalRandom#current()}, unless the factory serves a single thread (as in tests).
 */
public final class LoadBalancers {
  /** The type URL, inside an {@code xds.type.v3.TypedStruct}, of Corral's peak-EWMA policy. */
  public static final String PEAK_EWMA_TYPE_URL = "type.googleapis.com/corral.v1alpha1.PeakEwma";

  /** Envoy's default number of random choices for least request. */
  public static final int DEFAULT_CHOICE_COUNT = 2;
  /** Envoy's default and largest ring sizes. */
  public static final long DEFAULT_MIN_RING_SIZE = 1024;

  public static final long MAX_RING_SIZE = 8 * 1024 * 1024;
  /** Envoy's default Maglev table size, and the largest it accepts. */
  public static final long DEFAULT_MAGLEV_TABLE_SIZE = 65_537;

  public static final long MAX_MAGLEV_TABLE_SIZE = 5_000_011;

  /**
   * The cost estimate of a host without latency samples: small, so that a new host is tried (and
   * measured) soon rather than avoided.
   */
  static final double PEAK_EWMA_DEFAULT_RTT_NANOS = 1_000_000;

  private LoadBalancers() {}

  /**
   * Envoy's ORIGINAL_DST cluster: each request goes to its downstream connection's original
   * destination ({@link dev.corral.sidecar.cluster.PickContext#originalDestination()}); the
   * cluster's own host list is ignored.
   */
  public static LoadBalancer.Factory originalDestination() {
    return hosts -> new OriginalDstLoadBalancer();
  }

  /**
   * Smooth weighted round robin (Envoy's earliest-deadline-first schedule); over equal weights, a
   * cursor starting at a random host.
   */
  public static LoadBalancer.Factory roundRobin(RandomGenerator random) {
    requireNonNull(random, "random");
    return hosts -> {
      List<Host> list = List.copyOf(hosts);
      Host[] array = list.toArray(new Host[0]);
      return equalWeights(array)
          ? new RoundRobinLoadBalancer(list, array, random)
          : new EdfLoadBalancer(list, array, false, random);
    };
  }

  /** Weighted random. */
  public static LoadBalancer.Factory random(RandomGenerator random) {
    requireNonNull(random, "random");
    return hosts -> {
      List<Host> list = List.copyOf(hosts);
      return new RandomLoadBalancer(list, list.toArray(new Host[0]), random);
    };
  }

  /**
   * Envoy's least request: over equal weights, the host with the fewest active requests among
   * {@code choiceCount} random ones; over unequal weights, an earliest-deadline-first schedule by
   * {@code weight / (activeRequests + 1)}.
   */
  public static LoadBalancer.Factory leastRequest(int choiceCount, RandomGenerator random) {
    if (choiceCount < 2) {
      throw new IllegalArgumentException(
          String.format("choiceCount: %s (expected: >= 2)", choiceCount));
    }
    requireNonNull(random, "random");
    return hosts -> {
      List<Host> list = List.copyOf(hosts);
      Host[] array = list.toArray(new Host[0]);
      return equalWeights(array)
          ? new LeastRequestLoadBalancer(list, array, choiceCount, random)
          : new EdfLoadBalancer(list, array, true, random);
    };
  }

  /**
   * Envoy's ring hash, keyed by {@link dev.corral.sidecar.cluster.PickContext#hash()}; requests
   * without a hash go to a random host drawn from {@link ThreadLocalRandom}.
   */
  public static LoadBalancer.Factory ringHash(long minRingSize, long maxRingSize) {
    return ringHash(minRingSize, maxRingSize, ThreadLocalRandom.current());
  }

  /** Envoy's ring hash; requests without a hash go to a random host drawn from {@code random}. */
  public static LoadBalancer.Factory ringHash(
      long minRingSize, long maxRingSize, RandomGenerator random) {
    if (minRingSize < 1 || minRingSize > MAX_RING_SIZE) {
      throw new IllegalArgumentException(
          String.format("minRingSize: %s (expected: 1..%s)", minRingSize, MAX_RING_SIZE));
    }
    if (maxRingSize < minRingSize || maxRingSize > MAX_RING_SIZE) {
      throw new IllegalArgumentException(
          String.format(
              "maxRingSize: %s (expected: %s..%s)", maxRingSize, minRingSize, MAX_RING_SIZE));
    }
    requireNonNull(random, "random");
    SharedTable<RingHashLoadBalancer.Ring> rings =
        new SharedTable<>(array -> RingHashLoadBalancer.Ring.build(array, minRingSize, maxRingSize));
    return hosts -> {
      List<Host> list = List.copyOf(hosts);
      return new RingHashLoadBalancer(list, rings.get(list), random);
    };
  }

  /**
   * Maglev consistent hashing over a table of prime {@code tableSize}, keyed by {@link
   * dev.corral.sidecar.cluster.PickContext#hash()}; requests without a hash go to a random host
   * drawn from {@link ThreadLocalRandom}.
   */
  public static LoadBalancer.Factory maglev(long tableSize) {
    return maglev(tableSize, ThreadLocalRandom.current());
  }

  /** Maglev consistent hashing; requests without a hash go to a host drawn from {@code random}. */
  public static LoadBalancer.Factory maglev(long tableSize, RandomGenerator random) {
    if (tableSize < 2 || tableSize > MAX_MAGLEV_TABLE_SIZE || !LongMath.isPrime(tableSize)) {
      throw new IllegalArgumentException(
          String.format(
              "tableSize: %s (expected: a prime <= %s)", tableSize, MAX_MAGLEV_TABLE_SIZE));
    }
    requireNonNull(random, "random");
    int size = (int) tableSize;
    SharedTable<Host[]> tables =
        new SharedTable<>(array -> MaglevLoadBalancer.buildTable(array, size));
    return hosts -> {
      List<Host> list = List.copyOf(hosts);
      return new MaglevLoadBalancer(list, tables.get(list), random);
    };
  }

  /**
   * Linkerd's peak EWMA: of two distinct random hosts, the one with the lower {@code latency *
   * (activeRequests + 1) / weight}, the latency decaying over {@link LatencyEstimate#DECAY_NANOS}
   * while a host gets no responses. {@code nanoTime} must be the clock the router feeds {@link
   * LatencyEstimate#observe} with.
   */
  public static LoadBalancer.Factory peakEwma(RandomGenerator random, LongSupplier nanoTime) {
    return peakEwma(random, nanoTime, Duration.ofNanos(LatencyEstimate.DECAY_NANOS));
  }

  /** Linkerd's peak EWMA, with latency estimates decaying over {@code decay} between samples. */
  public static LoadBalancer.Factory peakEwma(
      RandomGenerator random, LongSupplier nanoTime, Duration decay) {
    requireNonNull(random, "random");
    requireNonNull(nanoTime, "nanoTime");
    requireNonNull(decay, "decay");
    if (decay.isNegative() || decay.isZero()) {
      throw new IllegalArgumentException(String.format("decay: %s (expected: > 0)", decay));
    }
    long decayNanos = saturatedNanos(decay);
    return hosts -> {
      List<Host> list = List.copyOf(hosts);
      return new PeakEwmaLoadBalancer(
          list, list.toArray(new Host[0]), random, nanoTime, decayNanos);
    };
  }

  /**
   * The factory for an Envoy cluster's {@code load_balancing_policy} (the first supported policy
   * wins, as in Envoy) or else its {@code lb_policy} and matching {@code *_lb_config}.
   *
   * @throws ConfigException naming the field path relative to the cluster, e.g. {@code lb_policy:
   *     CLUSTER_PROVIDED not supported}
   */
  public static LoadBalancer.Factory forCluster(
      Cluster cluster, RandomGenerator random, LongSupplier nanoTime) {
    requireNonNull(cluster, "cluster");
    requireNonNull(random, "random");
    requireNonNull(nanoTime, "nanoTime");
    if (cluster.getType() == Cluster.DiscoveryType.ORIGINAL_DST) {
      return originalDestination(); // lb_policy CLUSTER_PROVIDED: the cluster type picks
    }
    return new ClusterLbPolicies(random, nanoTime).forCluster(cluster);
  }

  static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  static boolean equalWeights(Host[] hosts) {
    for (int i = 1; i < hosts.length; i++) {
      if (hosts[i].weight() != hosts[0].weight()) {
        return false;
      }
    }
    return true;
  }

  static long[] cumulative(Host[] hosts) {
    long[] cumulative = new long[hosts.length];
    long sum = 0;
    for (int i = 0; i < hosts.length; i++) {
      sum += hosts[i].weight();
      cumulative[i] = sum;
    }
    return cumulative;
  }

  /** The index of the first cumulative weight above {@code point}. */
  static int indexOf(long[] cumulative, long point) {
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] <= point) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * A consistent-hash table built once per host list and shared by every event loop's balancer,
   * as Envoy's thread-aware balancers share theirs: the table is immutable, and an 8M-point ring
   * per event loop would waste hundreds of megabytes. Two loops racing may both build; one wins.
   */
  static final class SharedTable<T> {
    private final Function<Host[], T> build;
    private volatile @Nullable Built<T> last;

    SharedTable(Function<Host[], T> build) {
      this.build = build;
    }

    T get(List<Host> hosts) {
      Built<T> built = last;
      if (built == null || !built.hosts.equals(hosts)) {
        built = new Built<>(hosts, build.apply(hosts.toArray(new Host[0])));
        last = built;
      }
      return built.table;
    }

    private record Built<T>(List<Host> hosts, T table) {}
  }
}
