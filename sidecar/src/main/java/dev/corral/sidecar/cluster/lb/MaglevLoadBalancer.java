package dev.corral.sidecar.cluster.lb;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016) with Envoy's weighted table population:
 * a request goes to {@code table[hash % size]}.
 */
final class MaglevLoadBalancer implements LoadBalancer {
  // Stable, specified functions: every sidecar must build the same table.
  private static final HashFunction OFFSET_HASH = Hashing.murmur3_128(0);
  private static final HashFunction SKIP_HASH = Hashing.murmur3_128(1);

  private final List<Host> hostList;
  private final Host[] table;
  private final RandomGenerator random;

  MaglevLoadBalancer(List<Host> hostList, Host[] table, RandomGenerator random) {
    this.hostList = hostList;
    this.table = table;
    this.random = random;
  }

  @Override
  public @Nullable Host pick(PickContext context) {
    Host[] table = this.table;
    if (table.length == 0) {
      return null;
    }
    long hash = context.hasHash() ? context.hash() : random.nextLong();
    return table[(int) Long.remainderUnsigned(hash, table.length)];
  }

  @Override
  public List<Host> hosts() {
    return hostList;
  }

  /**
   * Fills a table of prime {@code size}: hosts take turns claiming the next free slot of their own
   * permutation {@code (offset + skip * j) % size}; a host of weight w takes a turn in w of every
   * maxWeight rounds (Envoy's MaglevTable), so slots are shared in proportion to weight.
   */
  static Host[] buildTable(Host[] hosts, int size) {
    int n = hosts.length;
    if (n == 0) {
      return new Host[0];
    }
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    long[] target = new long[n];
    long maxWeight = 0;
    for (int i = 0; i < n; i++) {
      String key = hosts[i].label();
      offset[i] = Long.remainderUnsigned(OFFSET_HASH.hashString(key, UTF_8).asLong(), size);
      skip[i] = Long.remainderUnsigned(SKIP_HASH.hashString(key, UTF_8).asLong(), size - 1) + 1;
      maxWeight = Math.max(maxWeight, hosts[i].weight());
    }
    Host[] table = new Host[size];
    int filled = 0;
    for (long round = 1; filled < size; round++) {
      for (int i = 0; i < n && filled < size; i++) {
        if (round * hosts[i].weight() < target[i]) {
          continue;
        }
        target[i] += maxWeight;
        int slot = (int) ((offset[i] + skip[i] * next[i]) % size);
        while (table[slot] != null) {
          next[i]++;
          slot = (int) ((offset[i] + skip[i] * next[i]) % size);
        }
        table[slot] = hosts[i];
        next[i]++;
        filled++;
      }
    }
    return table;
  }
}
