package dev.corral.sidecar.cluster.lb;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's earliest-deadline-first scheduler: each host is due every {@code 1 / weight}; the host
 * with the earliest deadline is picked and rescheduled. Gives smooth weighted round robin in
 * O(log n) per pick; with {@code loadAware} the weight is {@code weight / (activeRequests + 1)},
 * read when a host is rescheduled, which is Envoy's least request over unequal weights.
 *
 * <p>The heap is three parallel arrays indexed by host, so a pick only updates the root's key and
 * sifts it down: no allocation.
 */
final class EdfLoadBalancer implements LoadBalancer {
  private final List<Host> hostList;
  private final Host[] hosts;
  private final boolean loadAware;
  private final int[] heap;
  private final double[] deadline;
  // Ties go to the host scheduled first, as in Envoy, so equal deadlines still rotate.
  private final long[] order;
  private final long[] picks;
  private long nextOrder;

  EdfLoadBalancer(List<Host> hostList, Host[] hosts, boolean loadAware, RandomGenerator random) {
    this.hostList = hostList;
    this.hosts = hosts;
    this.loadAware = loadAware;
    int n = hosts.length;
    heap = new int[n];
    deadline = new double[n];
    order = new long[n];
    picks = new long[n];
    for (int i = 0; i < n; i++) {
      heap[i] = i;
      deadline[i] = 1 / weight(hosts[i]);
      order[i] = nextOrder++;
    }
    for (int i = n / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
    // Like Envoy's EdfScheduler::createWithPicks: start each balancer at a random point of the
    // schedule so that event loops and sidecars do not send their first requests in lockstep.
    if (n > 1) {
      for (int picks = random.nextInt(n); picks > 0; picks--) {
        next();
      }
    }
  }

  @Override
  public @Nullable Host pick(PickContext context) {
    return hosts.length == 0 ? null : hosts[next()];
  }

  @Override
  public List<Host> hosts() {
    return hostList;
  }

  private int next() {
    int top = heap[0];
    if (loadAware) {
      deadline[top] += 1 / weight(hosts[top]);
    } else {
      // With static weights the k-th deadline is exactly k / weight; dividing once (rather than
      // summing 1 / weight k times) makes equal deadlines of different hosts compare equal, so
      // the tie-break, not rounding drift, decides the order and the schedule stays smooth.
      deadline[top] = (double) (++picks[top] + 1) / hosts[top].weight();
    }
    order[top] = nextOrder++;
    siftDown(0);
    return top;
  }

  private double weight(Host host) {
    return loadAware ? (double) host.weight() / (host.activeRequests() + 1) : host.weight();
  }

  private void siftDown(int at) {
    int n = heap.length;
    int moving = heap[at];
    while (true) {
      int child = 2 * at + 1;
      if (child >= n) {
        break;
      }
      if (child + 1 < n && before(heap[child + 1], heap[child])) {
        child++;
      }
      if (!before(heap[child], moving)) {
        break;
      }
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = moving;
  }

  private boolean before(int a, int b) {
    return deadline[a] < deadline[b] || (deadline[a] == deadline[b] && order[a] < order[b]);
  }
}
