package dev.corral.sidecar.cluster.outlier;

import static java.util.Objects.requireNonNull;

import dev.corral.sidecar.cluster.HealthFlag;
import dev.corral.sidecar.cluster.HealthSink;
import dev.corral.sidecar.cluster.Host;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive outlier detection for one cluster, with Envoy's semantics: the request path reports what
 * each upstream attempt came to, and a host that fails too often in a row (or too large a share
 * of an interval's requests) is ejected through the {@link HealthSink} for a growing time.
 *
 * <p>Report methods are called from every event loop at once and are lock-free; only the rare
 * decision to eject or un-eject takes the detector's lock, under which the sink and the listener
 * are called (so they see ejections in order and must not call back into the detector).
 */
public final class OutlierDetector {
  private static final Logger log = LoggerFactory.getLogger(OutlierDetector.class);
  private static final long ONE_REQUEST = 1L << 32;

  /** Why a host was found to be an outlier, named as Envoy's {@code OutlierEjectionType}. */
  public enum EjectionType {
    CONSECUTIVE_5XX,
    CONSECUTIVE_GATEWAY_FAILURE,
    CONSECUTIVE_LOCAL_ORIGIN_FAILURE,
    FAILURE_PERCENTAGE
  }

  /** What the detector did about a host found to be an outlier. */
  public enum Outcome {
    /** The host is ejected. */
    EJECTED,
    /** The enforcement percentage of the ejection type rolled "no" (Envoy's detected-only). */
    NOT_ENFORCED,
    /** Ejecting it would exceed max_ejection_percent (Envoy's ejections_overflow). */
    OVERFLOWED
  }

  /** An upstream attempt that failed before the upstream could answer. */
  public enum LocalOriginFailure {
    CONNECT_FAILED,
    TIMEOUT,
    /** The connection or stream was reset before a response arrived. */
    RESET
  }

  /** Receives the detector's decisions, e.g. to count them as stats or log them. */
  public interface Listener {
    Listener NOOP = new Listener() {};

    /** {@code host} crossed the threshold of {@code type}; {@code outcome} says what was done. */
    default void detected(Host host, EjectionType type, Outcome outcome) {}

    /** {@code host}'s ejection time is over; it may be picked again. */
    default void unejected(Host host) {}
  }

  private final OutlierConfig config;
  private final HealthSink sink;
  private final Listener listener;
  private final LongSupplier nanoTime;
  private final RandomGenerator random;
  private final long intervalNanos;
  private final long baseEjectionNanos;
  private final long maxEjectionNanos;
  private final boolean countVolume;
  private final Object lock = new Object();

  /** Replaced whole when membership changes; read without the lock by the report methods. */
  private volatile Map<Host, Monitor> monitors;

  // Guarded by lock.
  private int activeEjections;
  private @Nullable ScheduledFuture<?> schedule;

  private OutlierDetector(OutlierConfig config, List<Host> hosts, HealthSink sink,
      Listener listener, LongSupplier nanoTime, RandomGenerator random) {
    this.config = requireNonNull(config, "config");
    this.sink = requireNonNull(sink, "sink");
    this.listener = requireNonNull(listener, "listener");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.random = requireNonNull(random, "random");
    this.intervalNanos = config.interval().toNanos();
    this.baseEjectionNanos = config.baseEjectionTime().toNanos();
    this.maxEjectionNanos = config.maxEjectionTime().toNanos();
    this.countVolume = config.enforcingFailurePercentage() > 0;
    Map<Host, Monitor> initial = new HashMap<>();
    for (Host host : hosts) {
      initial.put(host, new Monitor(host));
    }
    this.monitors = Map.copyOf(initial);
  }

  /**
   * A detector over {@code hosts}, all starting un-ejected. {@code random} rolls the enforcement
   * percentages and is only used under the detector's lock.
   */
  public static OutlierDetector create(OutlierConfig config, List<Host> hosts, HealthSink sink,
      Listener listener, LongSupplier nanoTime, RandomGenerator random) {
    return new OutlierDetector(config, List.copyOf(hosts), sink, listener, nanoTime, random);
  }

  public OutlierConfig config() {
    return config;
  }

  // ---- The request path: lock-free unless a threshold is crossed. ----

  /** The upstream answered {@code httpStatus}. Reports for hosts not (or no longer) known are ignored. */
  public void reportStatus(Host host, int httpStatus) {
    Monitor monitor = monitors.get(host);
    if (monitor != null) {
      onStatus(monitor, httpStatus);
    }
  }

  /**
   * The attempt failed locally. Without split_external_local_origin_errors this counts as Envoy
   * counts it: a 504 for a timeout, a 503 otherwise (a 5xx and a gateway failure). With it, it
   * counts toward consecutive_local_origin_failure only.
   */
  public void reportLocalOriginFailure(Host host, LocalOriginFailure kind) {
    requireNonNull(kind, "kind");
    Monitor monitor = monitors.get(host);
    if (monitor == null) {
      return;
    }
    if (!config.splitExternalLocalOriginErrors()) {
      onStatus(monitor, kind == LocalOriginFailure.TIMEOUT ? 504 : 503);
    } else if (monitor.localOrigin.incrementAndGet() == config.consecutiveLocalOriginFailure()) {
      thresholdCrossed(monitor, EjectionType.CONSECUTIVE_LOCAL_ORIGIN_FAILURE);
    }
  }

  /**
   * A connection to {@code host} was made. With split_external_local_origin_errors this ends a run
   * of local-origin failures; without it, it means nothing (the response status will be reported).
   */
  public void reportLocalOriginSuccess(Host host) {
    if (!config.splitExternalLocalOriginErrors()) {
      return;
    }
    Monitor monitor = monitors.get(host);
    if (monitor != null) {
      resetIfNonZero(monitor.localOrigin);
    }
  }

  private void onStatus(Monitor monitor, int status) {
    boolean failed = status >= 500 && status < 600;
    if (countVolume) {
      monitor.volume.addAndGet(failed ? ONE_REQUEST + 1 : ONE_REQUEST);
    }
    if (!failed) {
      resetIfNonZero(monitor.consecutive5xx);
      resetIfNonZero(monitor.consecutiveGateway);
      return;
    }
    if (status == 502 || status == 503 || status == 504) {
      if (monitor.consecutiveGateway.incrementAndGet() == config.consecutiveGatewayFailure()) {
        thresholdCrossed(monitor, EjectionType.CONSECUTIVE_GATEWAY_FAILURE);
      }
    } else {
      resetIfNonZero(monitor.consecutiveGateway);
    }
    if (monitor.consecutive5xx.incrementAndGet() == config.consecutive5xx()) {
      thresholdCrossed(monitor, EjectionType.CONSECUTIVE_5XX);
    }
  }

  /** Resets without a write when already zero, so healthy traffic never bounces the cache line. */
  private static void resetIfNonZero(AtomicInteger counter) {
    if (counter.get() != 0) {
      counter.set(0);
    }
  }

  private void thresholdCrossed(Monitor monitor, EjectionType type) {
    synchronized (lock) {
      if (monitor.ejected || monitors.get(monitor.host) != monitor) {
        return;
      }
      // As Envoy: restart the count, so a new run is detected even without a success in between.
      monitor.counter(type).set(0);
      eject(monitor, type, nanoTime.getAsLong());
    }
  }

  // ---- Decisions, under the lock. ----

  private void eject(Monitor monitor, EjectionType type, long now) {
    int hosts = monitors.size();
    boolean allowed = (activeEjections + 1) * 100L <= (long) config.maxEjectionPercent() * hosts
        || (config.alwaysEjectOneHost() && activeEjections == 0);
    if (!allowed) {
      listener.detected(monitor.host, type, Outcome.OVERFLOWED);
      return;
    }
    if (!enforced(enforcingPercent(type))) {
      listener.detected(monitor.host, type, Outcome.NOT_ENFORCED);
      return;
    }
    monitor.ejected = true;
    monitor.timesEjected++;
    monitor.lastEjectionNanos = now;
    // Envoy's backoff: one more base_ejection_time per ejection, until the cap is passed.
    if (monitor.multiplier * baseEjectionNanos < maxEjectionNanos + baseEjectionNanos) {
      monitor.multiplier++;
    }
    activeEjections++;
    sink.setHealth(monitor.host, HealthFlag.FAILED_OUTLIER_CHECK, true);
    listener.detected(monitor.host, type, Outcome.EJECTED);
  }

  private boolean enforced(int percent) {
    return percent >= 100 || (percent > 0 && random.nextInt(100) < percent);
  }

  private int enforcingPercent(EjectionType type) {
    return switch (type) {
      case CONSECUTIVE_5XX -> config.enforcingConsecutive5xx();
      case CONSECUTIVE_GATEWAY_FAILURE -> config.enforcingConsecutiveGatewayFailure();
      case CONSECUTIVE_LOCAL_ORIGIN_FAILURE -> config.enforcingConsecutiveLocalOriginFailure();
      case FAILURE_PERCENTAGE -> config.enforcingFailurePercentage();
    };
  }

  /** base_ejection_time × the host's multiplier, capped at max(base, max_ejection_time). */
  private long ejectionNanos(Monitor monitor) {
    return Math.min(monitor.multiplier * baseEjectionNanos, Math.max(baseEjectionNanos, maxEjectionNanos));
  }

  /**
   * One detection interval: un-ejects hosts whose time is over, shortens the next ejection of
   * hosts that stayed healthy for an interval, and ejects by failure percentage over the requests
   * of the interval just ended. Called by {@link #start}; tests call it directly.
   */
  public void tick() {
    synchronized (lock) {
      long now = nanoTime.getAsLong();
      List<Monitor> candidates = new ArrayList<>();
      for (Monitor monitor : monitors.values()) {
        long volume = monitor.volume.getAndSet(0);
        if (monitor.ejected) {
          if (now - monitor.lastEjectionNanos >= ejectionNanos(monitor)) {
            uneject(monitor, now);
          }
          continue;
        }
        if (monitor.unejectedOnce && now - monitor.lastUnejectionNanos >= intervalNanos
            && monitor.multiplier > 0) {
          monitor.multiplier--;
        }
        if ((int) (volume >>> 32) >= config.failurePercentageRequestVolume()) {
          monitor.intervalVolume = volume;
          candidates.add(monitor);
        }
      }
      if (countVolume && !candidates.isEmpty()
          && candidates.size() >= config.failurePercentageMinimumHosts()) {
        for (Monitor monitor : candidates) {
          long requests = monitor.intervalVolume >>> 32;
          long failures = monitor.intervalVolume & 0xFFFF_FFFFL;
          if (failures * 100 >= (long) config.failurePercentageThreshold() * requests) {
            eject(monitor, EjectionType.FAILURE_PERCENTAGE, now);
          }
        }
      }
    }
  }

  private void uneject(Monitor monitor, long now) {
    monitor.ejected = false;
    monitor.unejectedOnce = true;
    monitor.lastUnejectionNanos = now;
    // As Envoy: a fresh start, so a few errors right after the return do not eject it again.
    monitor.consecutive5xx.set(0);
    monitor.consecutiveGateway.set(0);
    monitor.localOrigin.set(0);
    activeEjections--;
    sink.setHealth(monitor.host, HealthFlag.FAILED_OUTLIER_CHECK, false);
    listener.unejected(monitor.host);
  }

  // ---- Membership, scheduling and reads for /clusters. ----

  /**
   * Replaces the monitored hosts: hosts kept keep their state, new hosts start un-ejected, removed
   * hosts are forgotten (their ejection no longer counts toward max_ejection_percent).
   */
  public void setHosts(List<Host> hosts) {
    synchronized (lock) {
      Map<Host, Monitor> current = monitors;
      Map<Host, Monitor> next = new HashMap<>();
      for (Host host : hosts) {
        Monitor kept = current.get(host);
        next.put(host, kept != null ? kept : new Monitor(host));
      }
      for (Monitor monitor : current.values()) {
        if (monitor.ejected && !next.containsKey(monitor.host)) {
          activeEjections--;
        }
      }
      monitors = Map.copyOf(next);
    }
  }

  /** Runs {@link #tick} every interval on {@code executor} (an event loop will do) until {@link #stop}. */
  public void start(ScheduledExecutorService executor) {
    requireNonNull(executor, "executor");
    synchronized (lock) {
      if (schedule != null) {
        throw new IllegalStateException("already started");
      }
      schedule = executor.scheduleWithFixedDelay(
          this::tickLogged, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }
  }

  public void stop() {
    synchronized (lock) {
      if (schedule != null) {
        schedule.cancel(false);
        schedule = null;
      }
    }
  }

  private void tickLogged() {
    try {
      tick();
    } catch (RuntimeException e) {
      // A throwing task would silently end the schedule; keep detecting.
      log.warn("outlier detection interval failed", e);
    }
  }

  /** Hosts ejected now. */
  public int activeEjections() {
    synchronized (lock) {
      return activeEjections;
    }
  }

  /** How many times {@code host} was ejected since it joined (0 for an unknown host). */
  public int timesEjected(Host host) {
    synchronized (lock) {
      Monitor monitor = monitors.get(host);
      return monitor == null ? 0 : monitor.timesEjected;
    }
  }

  /**
   * When {@code host}'s ejection ends, on the injected {@code nanoTime} clock; empty when it is not
   * ejected. It is un-ejected by the first {@link #tick} at or after that time.
   */
  public OptionalLong ejectedUntilNanos(Host host) {
    synchronized (lock) {
      Monitor monitor = monitors.get(host);
      if (monitor == null || !monitor.ejected) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(monitor.lastEjectionNanos + ejectionNanos(monitor));
    }
  }

  /** One host's counters (atomics, written by every loop) and ejection state (under the lock). */
  private static final class Monitor {
    final Host host;
    final AtomicInteger consecutive5xx = new AtomicInteger();
    final AtomicInteger consecutiveGateway = new AtomicInteger();
    final AtomicInteger localOrigin = new AtomicInteger();
    /** This interval's requests (high 32 bits) and failures (low 32 bits), added in one step. */
    final AtomicLong volume = new AtomicLong();

    boolean ejected;
    boolean unejectedOnce;
    int timesEjected;
    int multiplier;
    long lastEjectionNanos;
    long lastUnejectionNanos;
    long intervalVolume;

    Monitor(Host host) {
      this.host = host;
    }

    AtomicInteger counter(EjectionType type) {
      return switch (type) {
        case CONSECUTIVE_5XX -> consecutive5xx;
        case CONSECUTIVE_GATEWAY_FAILURE -> consecutiveGateway;
        case CONSECUTIVE_LOCAL_ORIGIN_FAILURE -> localOrigin;
        case FAILURE_PERCENTAGE -> throw new IllegalArgumentException("no counter for " + type);
      };
    }
  }
}
