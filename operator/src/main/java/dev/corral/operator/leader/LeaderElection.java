package dev.corral.operator.leader;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a coordination.k8s.io/v1 Lease with fabric8's {@link LeaderElector}. Every
 * replica serves xDS; only the leader writes policy status and events. A replica that loses the
 * lease stops writing at once and stands for election again; on close the leader releases the
 * lease, so that another replica takes over without waiting for it to expire.
 */
public final class LeaderElection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /**
   * @param namespace where the Lease lives (the controller's own namespace)
   * @param leaseName the Lease's name, shared by the replicas
   * @param identity this replica (its pod name)
   * @param leaseDuration how long a lease that is not renewed stays valid
   * @param renewDeadline how long the leader keeps trying to renew before it gives up leading
   * @param retryPeriod how often candidates try and the leader renews
   */
  public record Options(String namespace, String leaseName, String identity, Duration leaseDuration,
      Duration renewDeadline, Duration retryPeriod) {
    public Options {
      requireNonNull(namespace, "namespace");
      requireNonNull(leaseName, "leaseName");
      requireNonNull(identity, "identity");
      if (renewDeadline.compareTo(leaseDuration) >= 0) {
        throw new IllegalArgumentException("renewDeadline: " + renewDeadline + " (expected: < leaseDuration " + leaseDuration + ")");
      }
    }

    /** client-go's defaults: 15 s lease, 10 s renew deadline, 2 s retry. */
    public static Options of(String namespace, String leaseName, String identity) {
      return new Options(namespace, leaseName, identity, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }
  }

  private final KubernetesClient client;
  private final Options options;
  private final Runnable onChange;
  private volatile boolean leader;
  private volatile @Nullable String currentLeader;
  private volatile boolean closed;
  private @Nullable CompletableFuture<?> running;

  private LeaderElection(KubernetesClient client, Options options, Runnable onChange) {
    this.client = client;
    this.options = options;
    this.onChange = onChange;
  }

  /**
   * @param onChange called when this replica starts or stops leading
   */
  public static LeaderElection create(KubernetesClient client, Options options, Runnable onChange) {
    return new LeaderElection(requireNonNull(client, "client"), requireNonNull(options, "options"),
        requireNonNull(onChange, "onChange"));
  }

  public synchronized LeaderElection start() {
    if (closed || running != null) {
      throw new IllegalStateException(closed ? "closed" : "already started");
    }
    run();
    return this;
  }

  private synchronized void run() {
    if (closed) {
      return;
    }
    LeaderElector elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName(options.leaseName())
        .withLock(new LeaseLock(options.namespace(), options.leaseName(), options.identity()))
        .withLeaseDuration(options.leaseDuration())
        .withRenewDeadline(options.renewDeadline())
        .withRetryPeriod(options.retryPeriod())
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
        .build()).build();
    CompletableFuture<?> f = elector.start();
    running = f;
    // The elector ends when this replica stops leading: stand again (unless closing).
    f.whenComplete((ok, error) -> {
      if (error != null && !closed) {
        log.warn("leader election ended: {}; standing again", error.toString());
      }
      if (!closed) {
        run();
      }
    });
  }

  private void started() {
    leader = true;
    log.info("leader election: {} leads (lease {}/{})", options.identity(), options.namespace(), options.leaseName());
    onChange.run();
  }

  private void stopped() {
    boolean was = leader;
    leader = false;
    if (was) {
      log.info("leader election: {} stopped leading", options.identity());
      onChange.run();
    }
  }

  private void newLeader(String identity) {
    currentLeader = identity;
    log.info("leader election: the leader is {}", identity);
  }

  /** Whether this replica holds the lease now: only then does it write status. */
  public boolean isLeader() {
    return leader && !closed;
  }

  /** The last leader this replica saw, if any. */
  public @Nullable String currentLeader() {
    return currentLeader;
  }

  public String identity() {
    return options.identity();
  }

  /** Stops standing for election; a leader releases the lease. */
  @Override
  public void close() {
    CompletableFuture<?> f;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      f = running;
    }
    leader = false;
    if (f != null) {
      f.cancel(true);
    }
  }
}
