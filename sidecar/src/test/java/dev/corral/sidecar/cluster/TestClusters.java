package dev.corral.sidecar.cluster;

import dev.corral.sidecar.cluster.lb.LoadBalancers;
import dev.corral.sidecar.cluster.limits.CircuitBreakers;
import dev.corral.sidecar.pool.ConnectionPool;
import dev.corral.sidecar.stats.SidecarMetrics;
import io.netty.bootstrap.Bootstrap;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/** Clusters for tests that need no sockets. */
final class TestClusters {
  private TestClusters() {}

  static Cluster of(Host... hosts) {
    return new Cluster("test", List.of(hosts), LoadBalancers.roundRobin(new SplittableRandom(1)),
        new ConnectionPool.Settings(Duration.ofSeconds(1), Duration.ofMinutes(1), 0, false),
        CircuitBreakers.defaults(), 50, new SidecarMetrics().cluster("test"), new Bootstrap());
  }
}
