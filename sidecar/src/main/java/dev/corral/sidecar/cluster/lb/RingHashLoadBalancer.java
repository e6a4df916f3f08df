package dev.corral.sidecar.cluster.lb;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's ketama-style ring hash: each host owns points on a 64-bit ring in proportion to its
 * weight, and a request goes to the first point at or after its hash.
 */
final class RingHashLoadBalancer implements LoadBalancer {
  // Positions must agree across every sidecar of the mesh, so the function must never change:
  // murmur3 is a stable, specified function (Guava's fingerprint guarantee), unlike goodFastHash.
  private static final HashFunction POINT_HASH = Hashing.murmur3_128(0);

  private final List<Host> hostList;
  private final Ring ring;
  private final RandomGenerator random;

  RingHashLoadBalancer(List<Host> hostList, Ring ring, RandomGenerator random) {
    this.hostList = hostList;
    this.ring = ring;
    this.random = random;
  }

  @Override
  public @Nullable Host pick(PickContext context) {
    if (ring.owners.length == 0) {
      return null;
    }
    // Envoy hashes requests without a hash policy to a random point.
    return ring.lookup(context.hasHash() ? context.hash() : random.nextLong());
  }

  @Override
  public List<Host> hosts() {
    return hostList;
  }

  /** An immutable ring, shared by the balancers of every event loop. */
  static final class Ring {
    // Sorted positions with the sign bit flipped, so signed order is the unsigned ring order.
    private final long[] positions;
    private final Host[] owners;

    private Ring(long[] positions, Host[] owners) {
      this.positions = positions;
      this.owners = owners;
    }

    int size() {
      return positions.length;
    }

    Host lookup(long hash) {
      long target = hash ^ Long.MIN_VALUE;
      long[] positions = this.positions;
      int lo = 0;
      int hi = positions.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (positions[mid] < target) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return owners[lo == positions.length ? 0 : lo];
    }

    /** Envoy's sizing: the lightest host gets at least one point per {@code minRingSize}. */
    static Ring build(Host[] hosts, long minRingSize, long maxRingSize) {
      int n = hosts.length;
      if (n == 0) {
        return new Ring(new long[0], new Host[0]);
      }
      long totalWeight = 0;
      int minWeight = Integer.MAX_VALUE;
      for (Host host : hosts) {
        totalWeight += host.weight();
        minWeight = Math.min(minWeight, host.weight());
      }
      double minNormalized = (double) minWeight / totalWeight;
      double scale =
          Math.min(Math.ceil(minNormalized * minRingSize) / minNormalized, (double) maxRingSize);
      int capacity = (int) Math.ceil(scale) + 1;

      // Each point is packed with its owner's index in the low bits, so one primitive sort orders
      // points and owners together (no boxing, even for an 8M-point ring). The dropped hash bits
      // only make the point hash a slightly shorter one.
      int indexBits = 64 - Long.numberOfLeadingZeros(n - 1);
      long indexMask = (1L << indexBits) - 1;
      long[] packed = new long[capacity];
      int size = 0;
      double currentHashes = 0;
      double targetHashes = 0;
      for (int h = 0; h < n; h++) {
        Host host = hosts[h];
        String prefix = host.label() + "_";
        targetHashes += scale * host.weight() / totalWeight;
        for (long i = 0; currentHashes < targetHashes && size < capacity; i++, currentHashes++) {
          long hash = POINT_HASH.hashString(prefix + i, UTF_8).asLong();
          packed[size++] = ((hash ^ Long.MIN_VALUE) & ~indexMask) | h;
        }
      }
      Arrays.sort(packed, 0, size);
      long[] positions = new long[size];
      Host[] owners = new Host[size];
      for (int i = 0; i < size; i++) {
        positions[i] = packed[i] & ~indexMask;
        owners[i] = hosts[(int) (packed[i] & indexMask)];
      }
      return new Ring(positions, owners);
    }
  }
}
