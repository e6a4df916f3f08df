package dev.corral.sidecar.retry;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.util.Durations;
import dev.corral.sidecar.bootstrap.ConfigException;
import dev.corral.sidecar.route.RequestHead;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A route's compiled {@code retry_policy}, with Envoy's semantics: which failures and statuses are
 * retried ({@code retry_on}), how often ({@code num_retries}, default 1), how long each try may take
 * ({@code per_try_timeout}), how long to wait between tries ({@code retry_back_off}), and whether a
 * retry avoids the hosts already tried ({@code previous_hosts}). POST and PATCH are retried only
 * when the request cannot have reached the upstream, unless {@code retriable_request_headers}
 * match the request (the route's opt-in, e.g. on {@code :method}).
 */
public final class RetryPolicy {
  /** The {@code retry_on} conditions Corral supports. */
  public enum On {
    FIVE_XX("5xx"),
    GATEWAY_ERROR("gateway-error"),
    RESET("reset"),
    CONNECT_FAILURE("connect-failure"),
    REFUSED_STREAM("refused-stream"),
    RETRIABLE_STATUS_CODES("retriable-status-codes");

    private final String text;

    On(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  public static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
  private static final RetryPolicy NONE = new RetryPolicy(EnumSet.noneOf(On.class), 0, Duration.ZERO,
      Backoff.defaults(), false, 1, Set.of(), head -> false);

  private final Set<On> retryOn;
  private final int numRetries;
  private final Duration perTryTimeout;
  private final Backoff backoff;
  private final boolean avoidPreviousHosts;
  private final int hostSelectionAttempts;
  private final Set<Integer> retriableStatusCodes;
  private final Predicate<RequestHead> optIn;

  RetryPolicy(Set<On> retryOn, int numRetries, Duration perTryTimeout, Backoff backoff,
      boolean avoidPreviousHosts, int hostSelectionAttempts, Set<Integer> retriableStatusCodes,
      Predicate<RequestHead> optIn) {
    this.retryOn = Set.copyOf(retryOn);
    this.numRetries = numRetries;
    this.perTryTimeout = requireNonNull(perTryTimeout, "perTryTimeout");
    this.backoff = requireNonNull(backoff, "backoff");
    this.avoidPreviousHosts = avoidPreviousHosts;
    this.hostSelectionAttempts = hostSelectionAttempts;
    this.retriableStatusCodes = Set.copyOf(retriableStatusCodes);
    this.optIn = requireNonNull(optIn, "optIn");
  }

  /** No retries: what a route without {@code retry_policy} gets. */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * Compiles Envoy's message; {@code optIn} is the compiled {@code retriable_request_headers}
   * (null when absent). Errors name paths relative to {@code retry_policy}.
   */
  public static RetryPolicy compile(io.envoyproxy.envoy.config.route.v3.RetryPolicy proto,
      Predicate<RequestHead> optIn) {
    EnumSet<On> on = EnumSet.noneOf(On.class);
    for (String token : proto.getRetryOn().split(",")) {
      String name = token.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      On match = null;
      for (On candidate : On.values()) {
        if (candidate.text.equals(name)) {
          match = candidate;
        }
      }
      if (match == null) {
        throw new ConfigException("retry_on", "'" + name + "' not supported (supported: 5xx, gateway-error,"
            + " reset, connect-failure, refused-stream, retriable-status-codes)");
      }
      on.add(match);
    }
    int retries = proto.hasNumRetries() ? proto.getNumRetries().getValue() : 1;
    Duration perTry = proto.hasPerTryTimeout()
        ? Duration.ofNanos(Durations.toNanos(proto.getPerTryTimeout())) : Duration.ZERO;
    Backoff backoff = Backoff.defaults();
    if (proto.hasRetryBackOff()) {
      if (!proto.getRetryBackOff().hasBaseInterval()) {
        throw new ConfigException("retry_back_off.base_interval", "required");
      }
      Duration base = Duration.ofNanos(Durations.toNanos(proto.getRetryBackOff().getBaseInterval()));
      if (base.isZero() || base.isNegative()) {
        throw new ConfigException("retry_back_off.base_interval", "must be > 0");
      }
      Duration max = proto.getRetryBackOff().hasMaxInterval()
          ? Duration.ofNanos(Durations.toNanos(proto.getRetryBackOff().getMaxInterval())) : base.multipliedBy(10);
      if (max.compareTo(base) < 0) {
        throw new ConfigException("retry_back_off.max_interval", "must be >= base_interval");
      }
      backoff = Backoff.exponential(base, max);
    }
    boolean previousHosts = false;
    for (int i = 0; i < proto.getRetryHostPredicateCount(); i++) {
      String name = proto.getRetryHostPredicate(i).getName();
      if (!PREVIOUS_HOSTS.equals(name)) {
        throw new ConfigException("retry_host_predicate[" + i + "].name",
            "'" + name + "' not supported (supported: " + PREVIOUS_HOSTS + ")");
      }
      previousHosts = true;
    }
    int selectionAttempts = proto.getHostSelectionRetryMaxAttempts() > 0
        ? (int) Math.min(proto.getHostSelectionRetryMaxAttempts(), 16) : 1;
    Set<Integer> codes = Set.copyOf(proto.getRetriableStatusCodesList());
    return new RetryPolicy(on, retries, perTry, backoff, previousHosts, selectionAttempts, codes,
        optIn == null ? head -> false : optIn);
  }

  public int numRetries() {
    return numRetries;
  }

  /** Zero when tries are bounded only by the route timeout. */
  public Duration perTryTimeout() {
    return perTryTimeout;
  }

  public boolean avoidPreviousHosts() {
    return avoidPreviousHosts;
  }

  /** How many times host selection is redone to avoid a previous host (Envoy's default: 1). */
  public int hostSelectionAttempts() {
    return hostSelectionAttempts;
  }

  public boolean retriesAnything() {
    return numRetries > 0 && !retryOn.isEmpty();
  }

  /** Whether the request may be retried after it may have reached the upstream. */
  public boolean idempotentOrOptedIn(RequestHead head) {
    String method = head.method();
    return !(method.equals("POST") || method.equals("PATCH")) || optIn.test(head);
  }

  /** After a failure without a response: retry or not, given the retries already made. */
  public RetryDecision onFailure(UpstreamFailure failure, int retriesMade, boolean replayable,
      boolean idempotentOrOptedIn, RandomGenerator random) {
    boolean covered = switch (failure) {
      case CONNECT_FAILURE -> retryOn.contains(On.CONNECT_FAILURE) || retryOn.contains(On.FIVE_XX)
          || retryOn.contains(On.GATEWAY_ERROR);
      case RESET -> retryOn.contains(On.RESET) || retryOn.contains(On.FIVE_XX);
      case REFUSED_STREAM -> retryOn.contains(On.REFUSED_STREAM) || retryOn.contains(On.FIVE_XX);
      case PER_TRY_TIMEOUT -> retryOn.contains(On.RESET) || retryOn.contains(On.FIVE_XX)
          || retryOn.contains(On.GATEWAY_ERROR);
      case OVERFLOW -> false;
    };
    String reason = failure.name().toLowerCase(Locale.ROOT).replace('_', '-');
    if (!covered) {
      return RetryDecision.noRetry("retry_on does not cover " + reason);
    }
    RetryDecision decision = limits(reason, retriesMade, replayable,
        !failure.mayHaveReachedUpstream() || idempotentOrOptedIn, random);
    if (decision.retry() && retriesMade == 0 && avoidPreviousHosts && !failure.mayHaveReachedUpstream()) {
      // The request reached no one and goes to another host: waiting protects nobody (HAProxy's
      // redispatch and nginx's proxy_next_upstream don't wait either). Later retries back off.
      return RetryDecision.retry(0, reason);
    }
    return decision;
  }

  /** After a response head with {@code status}: retry (discarding it) or pass it on. */
  public RetryDecision onStatus(int status, int retriesMade, boolean replayable,
      boolean idempotentOrOptedIn, RandomGenerator random) {
    boolean covered = (status >= 500 && retryOn.contains(On.FIVE_XX))
        || ((status == 502 || status == 503 || status == 504) && retryOn.contains(On.GATEWAY_ERROR))
        || (retryOn.contains(On.RETRIABLE_STATUS_CODES) && retriableStatusCodes.contains(status));
    if (!covered) {
      return RetryDecision.noRetry("status " + status + " not retried");
    }
    return limits(Integer.toString(status), retriesMade, replayable, idempotentOrOptedIn, random);
  }

  private RetryDecision limits(String reason, int retriesMade, boolean replayable, boolean methodAllows,
      RandomGenerator random) {
    if (retriesMade >= numRetries) {
      return RetryDecision.noRetry("num_retries " + numRetries + " used");
    }
    if (!replayable) {
      return RetryDecision.noRetry("request body larger than the replay buffer");
    }
    if (!methodAllows) {
      return RetryDecision.noRetry("request may have reached the upstream and is not idempotent");
    }
    return RetryDecision.retry(backoff.delayNanos(retriesMade + 1, random), reason);
  }
}
