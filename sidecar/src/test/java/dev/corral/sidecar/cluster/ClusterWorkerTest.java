package dev.corral.sidecar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.pool.ConnectionPool;
import io.netty.channel.DefaultEventLoop;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker's pools follow the cluster's membership (no sockets: pools connect only on acquire). */
class ClusterWorkerTest {
  private final DefaultEventLoop loop = new DefaultEventLoop();
  private final Host a = Host.of("10.0.0.1", 8080);
  private final Host b = Host.of("10.0.0.2", 8080);
  private final Cluster cluster = TestClusters.of(a, b);
  private final ClusterWorker worker = cluster.worker(loop);

  @AfterEach
  void stop() {
    loop.shutdownGracefully().syncUninterruptibly();
  }

  @Test
  void aHostThatLeftTheClusterLosesItsPool() {
    worker.pick(PickContext.none());
    ConnectionPool poolA = worker.pool(a);
    ConnectionPool poolB = worker.pool(b);

    cluster.setHosts(List.of(b)); // EDS: a went away
    assertThat(worker.pick(PickContext.none())).isSameAs(b);

    assertThat(worker.pool(b)).as("the staying host keeps its pool").isSameAs(poolB);
    assertThat(worker.pool(a)).as("a pool made after a left is a new one").isNotSameAs(poolA);
  }

  @Test
  void aHealthChangeKeepsEveryPool() {
    worker.pick(PickContext.none());
    ConnectionPool poolA = worker.pool(a);

    cluster.setHealth(a, HealthFlag.FAILED_ACTIVE_HC, true);
    assertThat(worker.pick(PickContext.none())).isSameAs(b);

    assertThat(worker.pool(a)).isSameAs(poolA);
  }
}
