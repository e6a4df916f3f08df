package dev.corral.sidecar.cluster.lb;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Linkerd's default balancer: power of two choices between distinct random hosts, keeping the one
 * with the lower cost {@code rtt * (activeRequests + 1) / weight}.
 */
final class PeakEwmaLoadBalancer implements LoadBalancer {
  private final List<Host> hostList;
  private final Host[] hosts;
  private final RandomGenerator random;
  private final LongSupplier nanoTime;
  private final long decayNanos;

  PeakEwmaLoadBalancer(
      List<Host> hostList,
      Host[] hosts,
      RandomGenerator random,
      LongSupplier nanoTime,
      long decayNanos) {
    this.hostList = hostList;
    this.hosts = hosts;
    this.random = random;
    this.nanoTime = nanoTime;
    this.decayNanos = decayNanos;
  }

  @Override
  public @Nullable Host pick(PickContext context) {
    Host[] hosts = this.hosts;
    int n = hosts.length;
    if (n <= 1) {
      return n == 0 ? null : hosts[0];
    }
    int i = random.nextInt(n);
    int j = random.nextInt(n - 1);
    if (j >= i) {
      j++; // two distinct hosts, uniformly
    }
    long now = nanoTime.getAsLong();
    Host a = hosts[i];
    Host b = hosts[j];
    return cost(b, now) < cost(a, now) ? b : a;
  }

  private double cost(Host host, long now) {
    // The estimate decays toward zero while a host gets no responses (as in tower's PeakEwma), so
    // a host that was slow once is probed again instead of being shunned for ever.
    double rtt = host.latency().nanos(now, decayNanos);
    if (rtt <= 0) {
      rtt = LoadBalancers.PEAK_EWMA_DEFAULT_RTT_NANOS;
    }
    return rtt * (host.activeRequests() + 1) / host.weight();
  }

  @Override
  public List<Host> hosts() {
    return hostList;
  }
}
