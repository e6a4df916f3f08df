package dev.corral.sidecar.cluster.health;

import static java.util.Objects.requireNonNull;

import dev.corral.sidecar.Transport;
import dev.corral.sidecar.cluster.HealthFlag;
import dev.corral.sidecar.cluster.HealthSink;
import dev.corral.sidecar.cluster.Host;
import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Active health checking of one cluster's hosts: each host is probed every interval, and
 * unhealthy_threshold failures in a row (or one unexpected status, as in Envoy) set its
 * {@code FAILED_ACTIVE_HC} flag through the {@link HealthSink}, healthy_threshold successes in a
 * row clear it. Hosts start healthy. The wait after a check depends on its result and on the
 * transition it made, as in Envoy (the table is in docs/resilience.md).
 *
 * <p>All state lives on one event loop; {@link #start}, {@link #stop} and {@link #setHosts} may be
 * called from any thread.
 */
public final class HealthChecker {
  /** What one check came to. */
  public enum CheckResult {
    /** The host answered with an expected status. */
    HEALTHY,
    /**
     * The host answered with a status outside expected_statuses: it is marked failed at once,
     * whatever unhealthy_threshold says (Envoy does the same for an HTTP check's unexpected status).
     */
    UNHEALTHY,
    /** The connection could not be made or broke before the answer. */
    NETWORK_FAILURE,
    /** No answer within the timeout. */
    TIMEOUT
  }

  /** Receives each check and each health change, e.g. to count them as stats. */
  public interface Listener {
    Listener NOOP = new Listener() {};

    default void checked(Host host, CheckResult result) {}

    /** {@code host} was marked failed ({@code healthy = false}) or recovered. */
    default void healthChanged(Host host, boolean healthy) {}
  }

  private final HealthCheckConfig config;
  private final HealthSink sink;
  private final Listener listener;
  private final Prober prober;
  private final Scheduler scheduler;
  private final BooleanSupplier hadTraffic;
  private final RandomGenerator random;
  private final long timeoutNanos;
  private final long intervalNanos;
  private final long noTrafficIntervalNanos;
  private final long noTrafficHealthyIntervalNanos;
  private final long unhealthyIntervalNanos;
  private final long unhealthyEdgeIntervalNanos;
  private final long healthyEdgeIntervalNanos;
  private final long intervalJitterNanos;
  private final long initialJitterNanos;

  // Confined to the scheduler's thread.
  private final Map<Host, Session> sessions = new HashMap<>();
  private boolean running;
  private List<Host> hosts;

  HealthChecker(HealthCheckConfig config, List<Host> hosts, HealthSink sink, Listener listener,
      Prober prober, Scheduler scheduler, BooleanSupplier hadTraffic, RandomGenerator random) {
    this.config = requireNonNull(config, "config");
    this.hosts = List.copyOf(hosts);
    this.sink = requireNonNull(sink, "sink");
    this.listener = requireNonNull(listener, "listener");
    this.prober = requireNonNull(prober, "prober");
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.hadTraffic = requireNonNull(hadTraffic, "hadTraffic");
    this.random = requireNonNull(random, "random");
    this.timeoutNanos = config.timeout().toNanos();
    this.intervalNanos = config.interval().toNanos();
    this.noTrafficIntervalNanos = config.noTrafficInterval().toNanos();
    this.noTrafficHealthyIntervalNanos = config.noTrafficHealthyInterval().toNanos();
    this.unhealthyIntervalNanos = config.unhealthyInterval().toNanos();
    this.unhealthyEdgeIntervalNanos = config.unhealthyEdgeInterval().toNanos();
    this.healthyEdgeIntervalNanos = config.healthyEdgeInterval().toNanos();
    this.intervalJitterNanos = config.intervalJitter().toNanos();
    this.initialJitterNanos = config.initialJitter().toNanos();
  }

  /**
   * HTTP checks of {@code hosts} on {@code loop}. The Host header is the config's host or else
   * {@code clusterName}. {@code hadTraffic} says whether the cluster has carried traffic yet
   * (until it has, hosts are checked every no_traffic_interval, as in Envoy); it and
   * {@code random} are called on {@code loop} only.
   */
  public static HealthChecker create(HealthCheckConfig config, String clusterName, List<Host> hosts,
      HealthSink sink, Listener listener, EventLoop loop, Transport transport,
      BooleanSupplier hadTraffic, RandomGenerator random) {
    requireNonNull(clusterName, "clusterName");
    String authority = config.host() != null ? config.host() : clusterName;
    return new HealthChecker(config, hosts, sink, listener,
        new HttpProber(loop, transport, config, authority), Scheduler.of(loop), hadTraffic, random);
  }

  public HealthCheckConfig config() {
    return config;
  }

  /** Starts checking every host: the first check after a random part of initial_jitter. */
  public void start() {
    scheduler.execute(() -> {
      if (running) {
        return;
      }
      running = true;
      syncSessions();
    });
  }

  /**
   * Stops every check, abandoning those in flight, and clears the flags this checker set: a
   * checker that no longer checks makes no claim about a host (and a restart begins healthy).
   */
  public void stop() {
    scheduler.execute(() -> {
      running = false;
      syncSessions();
    });
  }

  /**
   * Replaces the checked hosts: kept hosts keep their state, new ones start healthy, removed ones
   * have their flag cleared.
   */
  public void setHosts(List<Host> hosts) {
    List<Host> copy = List.copyOf(hosts);
    scheduler.execute(() -> {
      this.hosts = copy;
      syncSessions();
    });
  }

  /**
   * The cluster just carried its first request: checks waiting out the (long) no-traffic interval
   * are re-armed with the interval their last check calls for with traffic. Envoy keeps the
   * pending long wait; then a host that dies in the first minute of traffic is not noticed by
   * active checks for that minute.
   */
  public void trafficStarted() {
    scheduler.execute(() -> sessions.values().forEach(Session::reschedule));
  }

  private void syncSessions() {
    Set<Host> wanted = running ? new LinkedHashSet<>(hosts) : Set.of();
    sessions.entrySet().removeIf(entry -> {
      if (!wanted.contains(entry.getKey())) {
        entry.getValue().stop();
        return true;
      }
      return false;
    });
    for (Host host : wanted) {
      if (!sessions.containsKey(host)) {
        Session session = new Session(host);
        sessions.put(host, session);
        session.start();
      }
    }
  }

  /**
   * Envoy's choice of the wait after a check, by its result and the transition it made. The edge
   * intervals cover the checks while a change is pending (fewer than the threshold in a row), not
   * the check after the change: Envoy's code does this, although its API comments read "the first
   * check right after a host is marked". Before the cluster's first traffic, a check that leaves a
   * host healthy waits no_traffic_healthy_interval and any other no_traffic_interval.
   */
  private long baseIntervalNanos(boolean passed, Transition transition, boolean withTraffic) {
    boolean pending = transition == Transition.PENDING;
    if (!withTraffic) {
      return passed && !pending ? noTrafficHealthyIntervalNanos : noTrafficIntervalNanos;
    }
    if (passed) {
      return pending ? healthyEdgeIntervalNanos : intervalNanos;
    }
    return pending ? unhealthyEdgeIntervalNanos : unhealthyIntervalNanos;
  }

  private long nextIntervalNanos(boolean passed, Transition transition) {
    long base = baseIntervalNanos(passed, transition, hadTraffic.getAsBoolean());
    long delay = base;
    // Envoy's jitter, on whichever interval applies: up to interval_jitter_percent of it, plus up
    // to interval_jitter.
    long percentJitter = (long) (base * (config.intervalJitterPercent() / 100.0));
    if (percentJitter > 0) {
      delay += random.nextLong(percentJitter);
    }
    if (intervalJitterNanos > 0) {
      delay += random.nextLong(intervalJitterNanos);
    }
    return delay;
  }

  /** What a check did to its host's health: Envoy's {@code HealthTransition}. */
  enum Transition {
    /** The host stays as it was. */
    UNCHANGED,
    /** The check goes against the host's state, but the threshold is not reached yet. */
    PENDING,
    /** The check reached the threshold: the host was just marked failed or healthy. */
    CHANGED
  }

  /** One host's checks and thresholds. */
  private final class Session {
    final Host host;
    boolean stopped;
    boolean failed;
    int consecutiveFailures;
    int consecutiveSuccesses;
    /** Which check is in flight; a late answer to an abandoned one is ignored. */
    int generation;
    boolean inFlight;
    /** The last check's result and transition, which choose the next wait; null before the first. */
    @Nullable Transition lastTransition;
    boolean lastPassed;
    Scheduler.@Nullable Task timer;
    Scheduler.@Nullable Task timeout;
    @Nullable CompletableFuture<CheckResult> probe;

    Session(Host host) {
      this.host = host;
    }

    void start() {
      long delay = initialJitterNanos > 0 ? random.nextLong(initialJitterNanos) : 0;
      timer = scheduler.schedule(this::check, delay);
    }

    /**
     * Re-arms a waiting check with the interval as it is now. No effect while one is in flight,
     * nor before the first check, which is due within initial_jitter anyway.
     */
    void reschedule() {
      if (!stopped && timer != null && lastTransition != null) {
        timer.cancel();
        timer = scheduler.schedule(this::check, nextIntervalNanos(lastPassed, lastTransition));
      }
    }

    void stop() {
      stopped = true;
      if (timer != null) {
        timer.cancel();
      }
      abandon();
      prober.forget(host);
      if (failed) {
        failed = false;
        sink.setHealth(host, HealthFlag.FAILED_ACTIVE_HC, false);
        listener.healthChanged(host, true);
      }
    }

    void check() {
      timer = null;
      if (stopped) {
        return;
      }
      int id = ++generation;
      inFlight = true;
      timeout = scheduler.schedule(() -> finish(id, CheckResult.TIMEOUT), timeoutNanos);
      CompletableFuture<CheckResult> started;
      try {
        started = prober.probe(host);
      } catch (RuntimeException e) {
        finish(id, CheckResult.NETWORK_FAILURE);
        return;
      }
      probe = started;
      started.whenComplete((result, error) -> scheduler.execute(
          () -> finish(id, error != null || result == null ? CheckResult.NETWORK_FAILURE : result)));
    }

    void finish(int id, CheckResult result) {
      if (stopped || id != generation || !inFlight) {
        return;
      }
      abandon();
      boolean passed = result == CheckResult.HEALTHY;
      Transition transition = passed ? recordPass() : recordFailure(result == CheckResult.UNHEALTHY);
      lastPassed = passed;
      lastTransition = transition;
      // Scheduled before anyone is told, so a throwing sink or listener cannot end this host's checks.
      timer = scheduler.schedule(this::check, nextIntervalNanos(passed, transition));
      listener.checked(host, result);
      if (transition == Transition.CHANGED) {
        sink.setHealth(host, HealthFlag.FAILED_ACTIVE_HC, failed);
        listener.healthChanged(host, !failed);
      }
    }

    private Transition recordPass() {
      consecutiveFailures = 0;
      if (!failed) {
        return Transition.UNCHANGED;
      }
      if (++consecutiveSuccesses < config.healthyThreshold()) {
        return Transition.PENDING;
      }
      failed = false;
      return Transition.CHANGED;
    }

    /** {@code atOnce}: an unexpected status, which marks the host failed without the threshold. */
    private Transition recordFailure(boolean atOnce) {
      consecutiveSuccesses = 0;
      if (failed) {
        return Transition.UNCHANGED;
      }
      if (++consecutiveFailures < config.unhealthyThreshold() && !atOnce) {
        return Transition.PENDING;
      }
      failed = true;
      return Transition.CHANGED;
    }

    /** Ends the check in flight, if any: cancels its timeout and the probe (closing its connection). */
    private void abandon() {
      inFlight = false;
      if (timeout != null) {
        timeout.cancel();
        timeout = null;
      }
      CompletableFuture<CheckResult> running = probe;
      probe = null;
      if (running != null) {
        running.cancel(false);
      }
    }
  }
}
